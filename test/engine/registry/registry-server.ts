// Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free port, with its storage in the test's folder:
// plain HTTP, TLS, htpasswd basic auth or distribution's token auth. Its access log (stdout and stderr) is kept so
// that tests can count the requests berthd made.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { request } from 'node:http';

export interface RegistryOptions {
  tls?: { cert: string; key: string; clientCa?: string };
  htpasswd?: string; // path of an htpasswd file (bcrypt)
  token?: { realm: string; service: string; issuer: string; rootcertbundle: string };
}

export interface TestRegistry {
  /** host:port as references name it. */
  host: string;
  port: number;
  storage: string;
  log: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startRegistry(dir: string, opts: RegistryOptions = {}): Promise<TestRegistry> {
  const port = await freePort();
  const storage = join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    ...(opts.tls ? ['  tls:', `    certificate: ${opts.tls.cert}`, `    key: ${opts.tls.key}`] : []),
    ...(opts.tls?.clientCa ? ['    clientcas:', `      - ${opts.tls.clientCa}`] : []),
    ...(opts.htpasswd ? ['auth:', '  htpasswd:', '    realm: berth-test', `    path: ${opts.htpasswd}`] : []),
    ...(opts.token
      ? [
          'auth:',
          '  token:',
          `    realm: ${opts.token.realm}`,
          `    service: ${opts.token.service}`,
          `    issuer: ${opts.token.issuer}`,
          `    rootcertbundle: ${opts.token.rootcertbundle}`,
        ]
      : []),
  ];
  const config = join(dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  let output = '';
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${output}`);
    if (await listening(port)) return { host: `127.0.0.1:${port}`, port, storage, log: () => output, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`docker-registry did not listen on ${port}: ${output}`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 500 }, (res) => {
      res.resume();
      resolve(true);
    });
    r.on('error', () => resolve(false));
    r.on('timeout', () => r.destroy());
    r.end();
  });
}

/** The data file of a blob in the registry's filesystem storage. */
export function blobDataPath(storage: string, digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}
