// Builds on real networks, on berthd with the docker CLI: RUN steps get the host's CAs (a bundle bound read-only,
// variables pointing at it) and the proxy build args, but the image holds neither, and proxies do not touch the
// cache key. No traffic leaves the host: the steps read files and variables; the failing one runs with no network.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_BUNDLE_PATH } from '../../../src/engine/build/host-trust.js';
import type { Berthd } from '../../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../../src/engine/daemon/berthd.js';
import type { DockerResult } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;
const run = promisify(execFile);

const PROXY_CA = '-----BEGIN CERTIFICATE-----\nTUlJQnByb3h5LWNhLWZvci10ZXN0cw==\n-----END CERTIFICATE-----';

describe.runIf(hasTools)('builds on real networks: host trust and proxies', () => {
  let daemon: Berthd | undefined;
  let dir: string;
  let ctx: string;
  const tag = `berth-net-${process.pid}`;
  const base = `${tag}/busybox:1`;
  /** The docker CLI on the test's berthd, with a config folder of the test's own (its "proxies"). */
  const docker = async (args: string[], config?: string): Promise<DockerResult> => {
    try {
      const env = {
        ...process.env,
        DOCKER_HOST: `unix://${daemon?.socket ?? ''}`,
        DOCKER_CONFIG: config ?? join(dir, 'no-config'),
      };
      return { ...(await run('docker', args, { env, timeout: 120_000 })), code: 0 };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; code?: number };
      return { stdout: err.stdout ?? '', stderr: err.stderr ?? '', code: typeof err.code === 'number' ? err.code : 1 };
    }
  };
  const imageId = async (ref: string): Promise<string> =>
    (await docker(['image', 'inspect', '-f', '{{.Id}}', ref])).stdout.trim();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-build-net-'));
    const ca = join(dir, 'proxy-ca.pem');
    writeFileSync(ca, `${PROXY_CA}\n`);
    daemon = await startBerthd({
      root: join(dir, 'root'),
      socket: join(dir, 'run', 'berth.sock'),
      buildHostTrust: { caFiles: [ca, join(dir, 'missing.pem')] },
    });
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [base] }));
    expect((await docker(['load', '-i', join(dir, 'busybox.tar')])).code).toBe(0);
    ctx = join(dir, 'ctx');
    mkdirSync(ctx);
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        `FROM ${base}`,
        'ENV KEEP=1',
        `RUN (cat ${CA_BUNDLE_PATH} || echo no-bundle) > /seen-ca && env | sort > /seen-env && touch /run-marker`,
        '',
      ].join('\n'),
    );
  }, 60_000);

  afterAll(async () => {
    try {
      if (daemon) {
        const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker(['rm', '-f', ...ids]);
      }
    } finally {
      await daemon?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("a RUN sees the host's CAs and the proxy; the image holds neither", async () => {
    const b = await docker([
      'build',
      '--build-arg',
      'HTTPS_PROXY=http://proxy-a.invalid:3128',
      '-t',
      `${tag}/app:1`,
      ctx,
    ]);
    expect(b.code, `${b.stdout}\n${b.stderr}`).toBe(0);
    const seen = await docker(['run', '--rm', `${tag}/app:1`, 'cat', '/seen-ca', '/seen-env']);
    expect(seen.stdout).toContain(PROXY_CA);
    expect(seen.stdout).toContain('HTTPS_PROXY=http://proxy-a.invalid:3128');
    for (const name of ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE']) {
      expect(seen.stdout).toContain(`${name}=${CA_BUNDLE_PATH}`);
    }
    // Not in the layer: no bundle file, no folder made for its mount point.
    const ls = await docker(['run', '--rm', `${tag}/app:1`, 'sh', '-c', `ls ${CA_BUNDLE_PATH} /run/berth 2>&1; ls /`]);
    expect(ls.stdout).toContain('No such file');
    expect(ls.stdout).not.toMatch(/^host-ca/m);
    const saved = join(dir, 'app.tar');
    expect((await docker(['save', '-o', saved, `${tag}/app:1`])).code).toBe(0);
    const listing = spawnSync(
      'sh',
      [
        '-c',
        'mkdir -p "$2" && tar -C "$2" -xf "$1" && for l in "$2"/blobs/sha256/*; do tar -tf "$l" 2>/dev/null; done',
        'sh',
        saved,
        join(dir, 'saved'),
      ],
      { encoding: 'utf8' },
    );
    expect(listing.stdout).toContain('run-marker');
    expect(listing.stdout).not.toContain('host-ca');
    // Not in the config or the history either.
    const inspect = await docker(['image', 'inspect', '-f', '{{json .Config.Env}}', `${tag}/app:1`]);
    expect(inspect.stdout).not.toMatch(/SSL_CERT_FILE|NODE_EXTRA_CA_CERTS|PROXY/);
    const history = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', `${tag}/app:1`]);
    expect(history.stdout).toContain('seen-ca');
    expect(history.stdout).not.toContain('proxy-a');
  }, 180_000);

  it('another proxy, or none, keeps the cache: the same image, no step run', async () => {
    const first = await imageId(`${tag}/app:1`);
    for (const args of [['--build-arg', 'HTTPS_PROXY=http://proxy-b.invalid:3128'], []]) {
      const b = await docker(['build', ...args, '-t', `${tag}/app:1`, ctx]);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).not.toContain('Running in');
      expect(await imageId(`${tag}/app:1`)).toBe(first);
    }
  }, 180_000);

  it('the proxies of the docker config reach RUN as the docker CLI sends them', async () => {
    const config = join(dir, 'docker-config');
    mkdirSync(config, { recursive: true });
    writeFileSync(
      join(config, 'config.json'),
      JSON.stringify({ proxies: { default: { httpProxy: 'http://cfg.invalid:8080', noProxy: 'localhost' } } }),
    );
    const b = await docker(['build', '--no-cache', '-t', `${tag}/app:cfg`, ctx], config);
    expect(b.code, b.stderr).toBe(0);
    const seen = await docker(['run', '--rm', `${tag}/app:cfg`, 'cat', '/seen-env']);
    expect(seen.stdout).toMatch(/^HTTP_PROXY=http:\/\/cfg\.invalid:8080$/m);
    expect(seen.stdout).toMatch(/^no_proxy=localhost$/m);
  }, 180_000);

  it('a RUN that fails to resolve a name gets a hint about the network', async () => {
    const c = join(dir, 'ctx-dns');
    mkdirSync(c);
    writeFileSync(join(c, 'Dockerfile'), `FROM ${base}\nRUN wget -q -O- http://no-such-host.invalid/\n`);
    const b = await docker(['build', '--network', 'none', '-t', `${tag}/dns:1`, c]);
    expect(b.code).not.toBe(0);
    expect(b.stdout + b.stderr).toMatch(/could not resolve a host name/);
  }, 180_000);
});
