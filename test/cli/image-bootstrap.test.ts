// `berth image bootstrap` on a berthd of its own: a minbase Debian image with one tiny package, made from the
// host's apt mirror by mmdebstrap (about 2 minutes here, so the file makes it once), runs a container; the same
// inputs again change nothing; bad input fails before anything is made, with a code and a hint.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawEngineApi } from '../client/raw-engine-api.js';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import type { CliRun } from './run-cli.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const image = `berth-bootstrap-${process.pid}/debian:bookworm`;

let dir: string;
let daemon: Berthd;
let client: RawEngineApi;
let env: Record<string, string>;
let first: CliRun;

const berth = (args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, { cwd: dir, env: { ...env, ...extra } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-bootstrap-'));
  daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
  client = new RawEngineApi(daemon.socket);
  env = { BERTH_SOCKET: daemon.socket, BERTH_ROOT: daemon.root, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  first = await berth(['image', 'bootstrap', image, '--suite', 'bookworm', '--include', 'hello']);
}, 600_000);

afterAll(async () => {
  await client?.call('DELETE', `/images/${encodeURIComponent(image)}`, { query: { force: 1 } }).catch(() => {});
  client?.close();
  await daemon?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('berth image bootstrap', () => {
  it('makes a Debian image from the mirror that runs a container, with its inputs in labels', async () => {
    expect(first.stderr).toContain('Debian bookworm (minbase)');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^${image} made from http\\S+ with mmdebstrap: \\d+ packages`));
    const dockerEnv = { ...process.env, DOCKER_HOST: `unix://${daemon.socket}` };
    const out = await run('docker', ['run', '--rm', image, 'sh', '-c', 'cat /etc/debian_version; hello'], {
      env: dockerEnv,
    });
    expect(out.stdout).toMatch(/^12\.\d+\nHello, world!\n$/);
    const inspect = await client.call<{ Created: string; Config: { Labels: Record<string, string> } }>(
      'GET',
      `/images/${encodeURIComponent(image)}/json`,
    );
    const labels = inspect.Config.Labels;
    expect(labels['io.berth.bootstrap.suite']).toBe('bookworm/minbase');
    expect(labels['io.berth.bootstrap.include']).toBe('hello');
    expect(labels['io.berth.bootstrap.packages']).toMatch(/(^| )hello=\S+/);
    expect(labels['io.berth.bootstrap.key']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Fixed times: the image's date is the suite's Release date, not now.
    expect(Date.now() - Date.parse(inspect.Created)).toBeGreaterThan(60_000);
  });

  it('does nothing when an image with the same inputs is there', async () => {
    const before = await client.call<{ Id: string }>('GET', `/images/${encodeURIComponent(image)}/json`);
    const started = Date.now();
    const again = await berth(['image', 'bootstrap', image, '--suite', 'bookworm', '--include', 'hello']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `${image} is up to date (${before.Id.slice(7, 19)}, same suite, packages and mirror date)\n`,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    const after = await client.call<{ Id: string }>('GET', `/images/${encodeURIComponent(image)}/json`);
    expect(after.Id).toBe(before.Id);
  });

  it('names an unknown suite with a hint, and makes nothing', async () => {
    const r = await berth(['image', 'bootstrap', `berth-bootstrap-${process.pid}/x:1`, '--suite', 'nosuchsuite']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no suite "nosuchsuite"');
    expect(r.stderr).toContain('hint: use a codename the mirror serves');
    expect(r.stderr).toContain('[BOOTSTRAP_UNKNOWN_SUITE]');
    const found = await client.find(`/images/${encodeURIComponent(`berth-bootstrap-${process.pid}/x:1`)}/json`);
    expect(found).toBeUndefined();
  });

  it('says when the host names no Debian mirror, or the mirror cannot be reached', async () => {
    const none = await berth(['image', 'bootstrap', 'debian:bookworm'], { BERTH_APT_DIR: join(dir, 'no-apt') });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('the host names no Debian mirror in its apt sources');
    expect(none.stderr).toContain('[BOOTSTRAP_NO_MIRROR]');
    const down = await berth(['image', 'bootstrap', 'debian:bookworm', '--mirror', 'http://127.0.0.1:9/debian']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot reach the Debian mirror http://127.0.0.1:9/debian');
    expect(down.stderr).toContain('[BOOTSTRAP_MIRROR_UNREACHABLE]');
  });

  it('refuses a bad variant or package name before reaching the mirror', async () => {
    const v = await berth(['image', 'bootstrap', 'debian:bookworm', '--variant', 'apt', '--include', 'Bad_Name']);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain('"Bad_Name" is not a Debian package name');
    const s = await berth(['image', 'bootstrap', 'alpine:3']);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('[BOOTSTRAP_NO_SUITE]');
  });
});
