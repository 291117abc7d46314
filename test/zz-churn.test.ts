import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { it } from 'vitest';
import { startBerthd } from '/work/main/src/engine/daemon/berthd.js';
import { runDocker } from '/work/main/test/engine/docker-cli.js';
import { makeBusyboxSaveTar } from '/work/main/test/engine/fixtures/busybox-image.js';
const run = promisify(execFile);
it('churn', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'churn-'));
  const A = await startBerthd({ root: join(dir, 'a'), socket: join(dir, 'a.sock') });
  writeFileSync(join(dir, 'bb.tar'), await makeBusyboxSaveTar({ tags: ['bb:1'] }));
  await run('docker', ['load', '-i', join(dir, 'bb.tar')], { env: { ...process.env, DOCKER_HOST: `unix://${A.socket}` } });
  const a = (...x: string[]) => runDocker(A.socket, x);
  let i = 0;
  while (!existsSync('/tmp/stop-churn')) {
    await a('network', 'create', 'n1');
    await a('run', '-d', '--name', 'c1', '--network', 'n1', 'bb:1', 'sleep', '300');
    await a('rm', '-f', 'c1');
    await a('network', 'rm', 'n1');
    i++;
  }
  console.log('rounds', i);
  await A.close();
}, 3000000);
