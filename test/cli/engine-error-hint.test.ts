// berthd's own error codes and hints cross the socket beside Docker's message: berth shows them through
// render-error.ts, and the docker CLI, which reads only `message`, prints what it always printed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { startStackEngine } from './stack-engine.js';

const run = promisify(execFile);
const HINT = 'use a name from capabilities(7), such as NET_ADMIN';
let e: StackEngine;

beforeAll(async () => {
  e = await startStackEngine(
    'hint',
    ['services:', '  bad:', '    image: ${IMAGE}', '    command: ["true"]', '    cap_add: [BOGUS]', ''].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await e?.close();
}, 120_000);

describe("berthd's code and hint reach the user", () => {
  it('berth up shows the hint and the code of the engine refusing a container', async () => {
    const r = await e.berth('up', '-d');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown capability: "BOGUS"');
    expect(r.stderr).toContain(`(hint: ${HINT})`);
    expect(r.stderr).toContain('[ENGINE_UNKNOWN_CAPABILITY]');
  });

  it('the docker CLI still prints just the message', async () => {
    const name = `${e.project}-docker-bogus`;
    const failed = await run(
      'docker',
      ['run', '--rm', '--name', name, '--network', 'none', '--cap-add', 'BOGUS', e.image, 'true'],
      { env: { ...process.env, DOCKER_HOST: `unix://${e.env.BERTH_SOCKET}` } },
    ).then(
      () => undefined,
      (err: { stderr: string }) => err,
    );
    await run('docker', ['rm', '-f', name], {
      env: { ...process.env, DOCKER_HOST: `unix://${e.env.BERTH_SOCKET}` },
    }).catch(() => undefined);
    expect(failed?.stderr).toMatch(/Error response from daemon: unknown capability: "(CAP_)?BOGUS"\n/);
    expect(failed?.stderr).not.toContain('capabilities(7)');
    expect(failed?.stderr).not.toContain('ENGINE_UNKNOWN_CAPABILITY');
  });
});
