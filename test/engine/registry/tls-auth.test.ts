// A registry with htpasswd basic auth over TLS, its certificate signed by a CA the test makes and gives berthd in
// certs.d/<host:port>/ca.crt under its config folder: docker login through berthd, push and pull with the stored
// credentials; a wrong password is refused with the registry's message; without the CA the TLS error is named.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Berthd, startBerthd } from '../../../src/engine/daemon/berthd.js';
import { runDocker } from '../docker-cli.js';
import { makeBusyboxSaveTar } from '../fixtures/busybox-image.js';
import { freePort, startRegistry, type TestRegistry } from './registry-server.js';

const hasTools =
  spawnSync('docker-registry', ['--version']).status === 0 &&
  spawnSync('openssl', ['version']).status === 0 &&
  spawnSync('htpasswd', ['-h']).status !== null &&
  spawnSync('runc', ['--version']).status === 0;

/** A CA and a server certificate for 127.0.0.1 signed by it. */
function makeCerts(dir: string): { ca: string; cert: string; key: string } {
  const o = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  o(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=berth test CA',
  );
  o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  o(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '1',
    '-extfile',
    'san.ext',
  );
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

describe.runIf(hasTools)('berthd with a TLS registry that wants basic auth', () => {
  let dir: string;
  let daemon: Berthd;
  let registry: TestRegistry;
  let certsDir: string;
  let ca: string;
  const docker = (...args: string[]) =>
    runDocker(daemon.socket, args, 60_000).then((r) => ({ ...r, out: r.stdout + r.stderr }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-registry-tls-'));
    process.env.DOCKER_CONFIG = join(dir, 'docker-config');
    mkdirSync(process.env.DOCKER_CONFIG);
    mkdirSync(join(dir, 'pki'));
    const pki = makeCerts(join(dir, 'pki'));
    ca = pki.ca;
    writeFileSync(join(dir, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', 'berth', 's3cret'], { encoding: 'utf8' }));
    registry = await startRegistry(join(dir, 'registry'), {
      tls: { cert: pki.cert, key: pki.key },
      htpasswd: join(dir, 'htpasswd'),
    });
    certsDir = join(dir, 'etc', 'certs.d', registry.host);
    mkdirSync(certsDir, { recursive: true });
    copyFileSync(ca, join(certsDir, 'ca.crt'));
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
    delete process.env.DOCKER_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a wrong password with the registry message, logs in, pushes and pulls back', async () => {
    const wrong = await docker('login', registry.host, '-u', 'berth', '-p', 'wrong');
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/unauthorized: authentication required/);

    const anonymous = await docker('pull', `${registry.host}/berth/secret:1`);
    expect(anonymous.out).toMatch(/unauthorized/);

    const login = await docker('login', registry.host, '-u', 'berth', '-p', 's3cret');
    expect(login.out).toContain('Login Succeeded');

    const ref = `${registry.host}/berth/secret:1`;
    writeFileSync(join(dir, 'bb.tar'), await makeBusyboxSaveTar({ tags: [ref], gzip: true }));
    expect((await docker('load', '-i', join(dir, 'bb.tar'))).code).toBe(0);
    const id = (await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim();
    const push = await docker('push', ref);
    expect(push.code, push.out).toBe(0);
    expect((await docker('rmi', ref)).code).toBe(0);
    const pull = await docker('pull', ref);
    expect(pull.code, pull.out).toBe(0);
    expect((await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim()).toBe(id);
  }, 120_000);

  it('names the TLS failure when the CA is not given', async () => {
    rmSync(join(certsDir, 'ca.crt'));
    try {
      const pull = await docker('pull', `${registry.host}/berth/secret:1`);
      expect(pull.code).not.toBe(0);
      expect(pull.out).toMatch(new RegExp(`registry ${registry.host.replace(/\./g, '\\.')} is unreachable: TLS with`));
      expect(pull.out).toMatch(/certificate/);
    } finally {
      copyFileSync(ca, join(certsDir, 'ca.crt'));
    }
  }, 60_000);

  it('presents the client certificate of certs.d to a registry that requires one', async () => {
    const pki = join(dir, 'pki');
    const o = (...args: string[]): void => void execFileSync('openssl', args, { cwd: pki, stdio: 'ignore' });
    o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=berthd');
    o(
      'x509',
      '-req',
      '-in',
      'client.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'client.cert',
      '-days',
      '1',
    );
    const mtls = await startRegistry(join(dir, 'registry-mtls'), {
      tls: { cert: join(pki, 'server.crt'), key: join(pki, 'server.key'), clientCa: ca },
    });
    try {
      const certs = join(dir, 'etc', 'certs.d', mtls.host);
      mkdirSync(certs, { recursive: true });
      copyFileSync(ca, join(certs, 'ca.crt'));
      const ref = `${mtls.host}/berth/mtls:1`;
      expect((await docker('tag', `${registry.host}/berth/secret:1`, ref)).code).toBe(0);
      const refused = await docker('push', ref);
      expect(refused.code).not.toBe(0);
      expect(refused.out).toMatch(/is unreachable/);
      copyFileSync(join(pki, 'client.cert'), join(certs, 'client.cert'));
      copyFileSync(join(pki, 'client.key'), join(certs, 'client.key'));
      const push = await docker('push', ref);
      expect(push.code, push.out).toBe(0);
    } finally {
      await mtls.stop();
    }
  }, 120_000);

  it('fails within seconds for a port where nothing listens', async () => {
    const port = await freePort();
    const started = Date.now();
    const pull = await docker('pull', `127.0.0.1:${port}/x/y:1`);
    expect(pull.out).toMatch(/refused/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
