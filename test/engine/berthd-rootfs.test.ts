// A container's root filesystem on berthd, seen through the docker CLI: layers stack in image order (a later
// layer's file and whiteout win), "/" is open to a non-root user, and -v binds an existing host file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { type DockerResult, runDocker } from './docker-cli.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

describe.runIf(hasTools)("a container's root filesystem on berthd", () => {
  let daemon: Berthd | undefined;
  let dir: string;
  const image = `berth-rootfs-${process.pid}/layered:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(daemon?.socket ?? '', args);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-rootfs-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    const tarball = await makeBusyboxSaveTar({
      tags: [image],
      extraLayers: [
        [
          { name: 'data/', type: 'directory' },
          { name: 'data/which.txt', content: 'lower\n' },
          { name: 'data/gone.txt', content: 'should be hidden\n' },
        ],
        [
          { name: 'data/which.txt', content: 'upper\n' },
          { name: 'data/.wh.gone.txt', content: '' },
        ],
      ],
    });
    writeFileSync(join(dir, 'image.tar'), tarball);
    expect((await docker('load', '-i', join(dir, 'image.tar'))).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await daemon?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('a later layer overrides and whites out files of the layers below it', async () => {
    const r = await docker('run', '--rm', image, 'sh', '-c', 'cat /data/which.txt; ls /data');
    expect(r).toMatchObject({ code: 0, stdout: 'upper\nwhich.txt\n' });
  });

  it('a non-root user can open "/" and read the image files', async () => {
    const r = await docker('run', '--rm', '-u', '1000:1000', image, 'cat', '/data/which.txt');
    expect(r).toMatchObject({ code: 0, stdout: 'upper\n' });
  });

  it('-v binds an existing host file as a file', async () => {
    writeFileSync(join(dir, 'app.conf'), 'setting=1\n');
    const r = await docker(
      'run',
      '--rm',
      '-v',
      `${join(dir, 'app.conf')}:/etc/app.conf:ro`,
      image,
      'cat',
      '/etc/app.conf',
    );
    expect(r).toMatchObject({ code: 0, stdout: 'setting=1\n' });
  });

  it('docker run --rm whose mounts fail before the process starts ends with the error and leaves no container', async () => {
    // -v makes a missing source folder at start; below a file it cannot, so the start fails after create.
    writeFileSync(join(dir, 'a-file'), '');
    const r = await docker('run', '--rm', '-v', `${join(dir, 'a-file', 'sub')}:/x`, image, 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('a-file');
    for (let i = 0; i < 50 && (await docker('ps', '-aq')).stdout.trim() !== ''; i++) {
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await docker('ps', '-aq')).stdout.trim()).toBe('');
  });

  it('-v with a source berthd cannot make (under /proc) fails the start instead of hanging berthd', async () => {
    const r = await docker('run', '--rm', '-v', '/proc/berth-cannot-exist/x:/x', image, 'true');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('berth-cannot-exist');
    expect((await docker('version', '--format', '{{.Server.Version}}')).code).toBe(0); // berthd still answers
  });
});
