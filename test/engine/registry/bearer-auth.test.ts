// Bearer-token auth as Docker Hub and most registries do it: docker-registry with `auth: token:` trusts a
// certificate the test makes; a small token server of the test's own checks a password and signs JWTs (RS256, x5c)
// granting the scopes asked for. berthd logs in, pushes and pulls, and reuses a token per scope.
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Berthd, startBerthd } from '../../../src/engine/daemon/berthd.js';
import { runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';
import { startRegistry, type TestRegistry } from './registry-server.js';

const hasTools =
  spawnSync('docker-registry', ['--version']).status === 0 &&
  spawnSync('openssl', ['version']).status === 0 &&
  spawnSync('runc', ['--version']).status === 0;

const SERVICE = 'berth-test-registry';
const ISSUER = 'berth-test-issuer';

/** A token server: basic auth berth:s3cret, every scope asked for is granted. Records the scopes asked for. */
function tokenServer(
  keyPem: string,
  certPem: string,
): { server: Server; scopes: string[]; listen: () => Promise<number> } {
  const key = createPrivateKey(keyPem);
  const der = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64').toString('base64');
  const scopes: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    if (auth !== `Basic ${Buffer.from('berth:s3cret').toString('base64')}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'token server: wrong user or password' }] }));
      return;
    }
    const asked = url.searchParams.getAll('scope');
    scopes.push(...(asked.length === 0 ? [''] : asked));
    const access = asked.map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: (actions ?? '').split(',') };
    });
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    const head = b64({ typ: 'JWT', alg: 'RS256', x5c: [der] });
    const claims = b64({
      iss: ISSUER,
      sub: 'berth',
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    });
    const signature = sign('sha256', Buffer.from(`${head}.${claims}`), key).toString('base64url');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: `${head}.${claims}.${signature}`, expires_in: 300 }));
  });
  const listen = (): Promise<number> =>
    new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return { server, scopes, listen };
}

describe.runIf(hasTools)('berthd with a registry that wants bearer tokens', () => {
  let dir: string;
  let daemon: Berthd;
  let registry: TestRegistry;
  let tokens: ReturnType<typeof tokenServer>;
  const docker = (...args: string[]) =>
    runDocker(daemon.socket, args, 60_000).then((r) => ({ ...r, out: r.stdout + r.stderr }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-registry-bearer-'));
    process.env.DOCKER_CONFIG = join(dir, 'docker-config');
    mkdirSync(process.env.DOCKER_CONFIG);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'token.key',
        '-out',
        'token.crt',
        '-days',
        '1',
        '-subj',
        '/CN=berth token signer',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    tokens = tokenServer(readFileSync(join(dir, 'token.key'), 'utf8'), readFileSync(join(dir, 'token.crt'), 'utf8'));
    const port = await tokens.listen();
    registry = await startRegistry(join(dir, 'registry'), {
      token: {
        realm: `http://127.0.0.1:${port}/token`,
        service: SERVICE,
        issuer: ISSUER,
        rootcertbundle: join(dir, 'token.crt'),
      },
    });
    daemon = await startBerthd({
      root: join(dir, 'root'),
      socket: join(dir, 'run', 'berth.sock'),
      configDir: join(dir, 'etc'),
    });
  }, 60_000);

  afterAll(async () => {
    const ids = (await runDocker(daemon.socket, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await runDocker(daemon.socket, ['rm', '-f', ...ids]);
    await daemon?.close();
    await registry?.stop();
    await new Promise((r) => tokens?.server.close(r));
    delete process.env.DOCKER_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in, pushes and pulls with tokens, one token per scope', async () => {
    const wrong = await docker('login', registry.host, '-u', 'berth', '-p', 'nope');
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toContain('token server: wrong user or password');
    const login = await docker('login', registry.host, '-u', 'berth', '-p', 's3cret');
    expect(login.out).toContain('Login Succeeded');

    const ref = `${registry.host}/berth/tok:1`;
    writeFileSync(join(dir, 'bb.tar'), await makeBusyboxSaveTar({ tags: [ref], gzip: true }));
    expect((await docker('load', '-i', join(dir, 'bb.tar'))).code).toBe(0);
    const id = (await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim();
    const push = await docker('push', ref);
    expect(push.code, push.out).toBe(0);
    expect((await docker('rmi', ref)).code).toBe(0);
    tokens.scopes.length = 0;
    const pull = await docker('pull', ref);
    expect(pull.code, pull.out).toBe(0);
    expect((await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim()).toBe(id);
    // manifest, config and layer (three requests or more) were fetched with one pull token, asked for once
    expect(tokens.scopes).toEqual(['repository:berth/tok:pull']);
    expect(registry.log()).toMatch(/"GET \/v2\/berth\/tok\/blobs\/sha256:[0-9a-f]{64} HTTP\/1\.1" 200/);
  }, 120_000);
});
