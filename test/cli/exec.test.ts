// `berth exec` on berthd: the command's exit code is berth's, -e/-u/-w reach the process, piped stdin arrives,
// flags after SERVICE belong to the command, and the errors for a missing service or container are Compose's.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StackEngine } from './stack-engine.js';
import { startStackEngine } from './stack-engine.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const STACK = `
services:
  app:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
    environment: { FROM_SERVICE: kept }
  idle:
    image: \${IMAGE}
    command: ['sleep', '3600']
`;

describe.runIf(hasRunc)('berth exec on berthd', () => {
  let e: StackEngine;

  beforeAll(async () => {
    e = await startStackEngine('exec', STACK);
    expect((await e.berth('up', '-d', 'app')).code).toBe(0);
  }, 60_000);

  afterAll(async () => e?.close(), 60_000);

  it("exits with the command's exit code", async () => {
    const r = await e.berth('exec', '-T', 'app', 'sh', '-c', 'echo out; echo err >&2; exit 3');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toBe('err\n');
    expect((await e.berth('exec', 'app', 'true')).code).toBe(0);
  });

  it('-e, -u and -w take effect, and the service environment stays', async () => {
    const r = await e.berth(
      ...['exec', '-T', '-e', 'FOO=bar', '-u', '1234', '-w', '/tmp', 'app'],
      ...['sh', '-c', 'echo $FOO $FROM_SERVICE; id -u; pwd'],
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('bar kept\n1234\n/tmp\n');
  });

  it('piped stdin reaches the command, and its output comes back as bytes', async () => {
    const r = await e.berthBytes(['exec', '-T', 'app', 'sh', '-c', 'cat; echo done'], Buffer.from('hello\nworld\n'));
    expect(r.code).toBe(0);
    expect(r.out.toString()).toBe('hello\nworld\ndone\n');
  });

  it('flags after SERVICE belong to the command', async () => {
    const r = await e.berth('exec', 'app', 'ls', '-d', '/tmp');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('/tmp\n');
  });

  it('flags after SERVICE that berth also has (-h, -p, -f) reach the command, and a first -- is dropped', async () => {
    const r = await e.berth('exec', '-T', 'app', 'sh', '-c', 'echo $0 "$@"', '-h', '-p', 'x', '-f', 'y');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('-h -p x -f y\n');
    expect(r.code).toBe(0);
    const dashes = await e.berth('exec', 'app', '--', 'echo', 'hi');
    expect(dashes.stdout).toBe('hi\n');
    expect(dashes.code).toBe(0);
  });

  it('a flag with its value attached (`mariadb -psecret`) and `-h 127.0.0.1` reach the command, not berth', async () => {
    const r = await e.berth('exec', '-T', 'app', 'echo', '-psecret', '-h', '127.0.0.1');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('-psecret -h 127.0.0.1\n');
    expect(r.code).toBe(0);
  });

  it('-d runs in the background and returns at once', async () => {
    const r = await e.berth('exec', '-d', 'app', 'sh', '-c', 'echo bg > /tmp/marker');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    let text = '';
    for (let i = 0; i < 50 && text !== 'bg\n'; i++) {
      text = (await e.berth('exec', 'app', 'cat', '/tmp/marker')).stdout;
      if (text !== 'bg\n') await new Promise((res) => setTimeout(res, 100));
    }
    expect(text).toBe('bg\n');
  });

  it('a service that does not exist, is not running, or has no such replica fails as Compose says', async () => {
    const missing = await e.berth('exec', 'nope', 'true');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[CLI_NO_SUCH_SERVICE]');
    const idle = await e.berth('exec', 'idle', 'true');
    expect(idle.code).toBe(1);
    expect(idle.stderr).toContain('service "idle" is not running');
    expect(idle.stderr).toContain('[CLI_SERVICE_NOT_RUNNING]');
    const second = await e.berth('exec', '--index', '2', 'app', 'true');
    expect(second.stderr).toContain('service "app" is not running container #2');
  });
});
