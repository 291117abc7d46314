// berthd refuses bad input before it stores anything: one row per field or case, over raw HTTP on the unix socket
// to a berthd of its own, each a 400 (413 for a body too large) whose message names the field; after all rows no
// container, network or volume of theirs exists and listing still works. Then docker load of bad archives through
// the docker CLI, Docker's string form of Cmd and Entrypoint, and the API socket's permissions.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Berthd } from '../../src/engine/daemon/berthd.js';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import { runDocker } from './docker-cli.js';
import { makeBusyboxSaveTar, writeArchive } from './fixtures/busybox-image.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

interface Answer {
  status: number;
  body: string;
}

/** One request on the socket. A server that answers before reading the whole body (413) may reset the rest. */
function call(
  socketPath: string,
  method: string,
  path: string,
  body?: string | Buffer,
  chunked = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
    if (body !== undefined && !chunked) headers['Content-Length'] = Buffer.byteLength(body);
    let answered = false;
    const req = request({ socketPath, method, path, headers }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const createBody = (fields: Record<string, unknown>, image: string): string =>
  JSON.stringify({ Image: image, ...fields });

describe.runIf(hasRunc)('berthd refuses bad input before it stores anything', () => {
  let daemon: Berthd;
  let dir: string;
  const tag = `berth-badinput-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const api = (method: string, path: string, body?: string | Buffer, chunked = false): Promise<Answer> =>
    call(daemon.socket, method, path, body, chunked);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-badinput-'));
    daemon = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    const loaded = await api('POST', '/images/load', await makeBusyboxSaveTar({ tags: [image] }));
    expect(loaded.body).toContain(`Loaded image: ${image}`);
  });

  afterAll(async () => {
    if (daemon) {
      const ids = (await runDocker(daemon.socket, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await runDocker(daemon.socket, ['rm', '-f', ...ids]);
      await daemon.close();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  // [case, method, path, body, status, what the message must name]. Compared by hand with Debian's dockerd 20.10:
  // it words the decode errors the same way ("json: cannot unmarshal object into Go struct field
  // ContainerConfigWrapper.Cmd ...") but answers them 500, which moby later made 400; berthd answers 400.
  // The version, null body and memory rows match dockerd's status and message exactly.
  const create = (row: string): string => `/containers/create?name=${tag}-${row}`;
  const rows: Array<[string, string, string, () => string | Buffer | undefined, number, string | RegExp]> = [
    ['Cmd object', 'POST', create('cmd'), () => createBody({ Cmd: { a: 1 } }, image), 400, 'ContainerConfig.Cmd'],
    ['Env numbers', 'POST', create('env'), () => createBody({ Env: [1, 2] }, image), 400, 'ContainerConfig.Env'],
    ['Labels nested', 'POST', create('labels'), () => createBody({ Labels: { a: { b: 1 } } }, image), 400, 'Labels'],
    [
      'Memory string',
      'POST',
      create('mem'),
      () => createBody({ HostConfig: { Memory: 'abc' } }, image),
      400,
      'HostConfig.Memory',
    ],
    [
      'Memory negative',
      'POST',
      create('memneg'),
      () => createBody({ HostConfig: { Memory: -5 } }, image),
      400,
      'Minimum memory limit allowed is 6MB',
    ],
    [
      'Memory under 6MB',
      'POST',
      create('memlow'),
      () => createBody({ HostConfig: { Memory: 1024 } }, image),
      400,
      'Minimum memory limit allowed is 6MB',
    ],
    [
      'ExposedPorts list',
      'POST',
      create('ports'),
      () => createBody({ ExposedPorts: ['80'] }, image),
      400,
      'ContainerConfig.ExposedPorts',
    ],
    [
      'HostConfig list',
      'POST',
      create('hc'),
      () => createBody({ HostConfig: [] }, image),
      400,
      'ContainerConfig.HostConfig',
    ],
    ['null body', 'POST', create('null'), () => 'null', 400, 'Config cannot be empty'],
    ['Image number', 'POST', create('image'), () => JSON.stringify({ Image: 5 }), 400, 'ContainerConfig.Image'],
    [
      'Entrypoint number',
      'POST',
      create('ep'),
      () => createBody({ Entrypoint: 5 }, image),
      400,
      'ContainerConfig.Entrypoint',
    ],
    ['Tty string', 'POST', create('tty'), () => createBody({ Tty: 'yes' }, image), 400, 'ContainerConfig.Tty'],
    ['StopTimeout string', 'POST', create('stop'), () => createBody({ StopTimeout: '10' }, image), 400, 'StopTimeout'],
    [
      'Healthcheck fraction',
      'POST',
      create('hcheck'),
      () => createBody({ Healthcheck: { Interval: 1.5 } }, image),
      400,
      'Healthcheck.Interval',
    ],
    [
      'Binds string',
      'POST',
      create('binds'),
      () => createBody({ HostConfig: { Binds: '/a:/b' } }, image),
      400,
      'HostConfig.Binds',
    ],
    [
      'PortBindings string',
      'POST',
      create('pb'),
      () => createBody({ HostConfig: { PortBindings: { '80/tcp': '8080' } } }, image),
      400,
      'HostConfig.PortBindings',
    ],
    [
      'RestartPolicy count',
      'POST',
      create('rp'),
      () => createBody({ HostConfig: { RestartPolicy: { MaximumRetryCount: '3' } } }, image),
      400,
      'RestartPolicy.MaximumRetryCount',
    ],
    [
      'Mounts ReadOnly',
      'POST',
      create('mounts'),
      () => createBody({ HostConfig: { Mounts: [{ Target: '/x', ReadOnly: 'true' }] } }, image),
      400,
      'HostConfig.Mounts.ReadOnly',
    ],
    [
      'Aliases string',
      'POST',
      create('alias'),
      () => createBody({ NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: 'a' } } } }, image),
      400,
      'EndpointsConfig.Aliases',
    ],
    ['bad JSON', 'POST', create('json'), () => '{"Image":', 400, 'invalid JSON'],
    [
      'deep nesting',
      'POST',
      create('deep'),
      () => `{"Labels":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      400,
      'nests deeper than',
    ],
    [
      'body too large',
      'POST',
      create('large'),
      () => Buffer.alloc(17 * 1024 * 1024, 0x20),
      413,
      'larger than the limit',
    ],
    [
      'API version too new',
      'GET',
      '/v9.99/containers/json',
      () => undefined,
      400,
      'client version 9.99 is too new. Maximum supported API version is 1.41',
    ],
    ['API version too old', 'GET', '/v1.12/version', () => undefined, 400, 'client version 1.12 is too old'],
    ['events since', 'GET', '/events?since=abc', () => undefined, 400, '"since"'],
    ['events until', 'GET', '/events?until=tomorrow', () => undefined, 400, '"until"'],
    [
      'filters value string',
      'GET',
      `/containers/json?filters=${encodeURIComponent('{"label":"x"}')}`,
      () => undefined,
      400,
      '"label"',
    ],
    [
      'filters list',
      'GET',
      `/images/json?filters=${encodeURIComponent('[1]')}`,
      () => undefined,
      400,
      'invalid filters',
    ],
    ['filters not JSON', 'GET', '/networks?filters=label', () => undefined, 400, 'invalid filters'],
    [
      'network Name number',
      'POST',
      '/networks/create',
      () => JSON.stringify({ Name: 5 }),
      400,
      'NetworkCreateRequest.Name',
    ],
    [
      'network Labels',
      'POST',
      '/networks/create',
      () => JSON.stringify({ Name: `${tag}-net`, Labels: { a: 1 } }),
      400,
      'NetworkCreateRequest.Labels',
    ],
    [
      'volume Labels',
      'POST',
      '/volumes/create',
      () => JSON.stringify({ Name: `${tag}-vol`, Labels: [] }),
      400,
      'CreateOptions.Labels',
    ],
    ['exec Cmd string', 'POST', '/containers/nosuch/exec', () => JSON.stringify({ Cmd: 'ls' }), 400, 'ExecConfig.Cmd'],
  ];

  it.each(rows)('%s: %s %s is refused naming the field', async (_case, method, path, body, status, names) => {
    const answer = await api(method, path, body());
    expect(answer.status).toBe(status);
    const message = (JSON.parse(answer.body) as { message: string }).message;
    if (typeof names === 'string') expect(message).toContain(names);
    else expect(message).toMatch(names);
  });

  it('a body too large sent without a Content-Length (chunked) is refused with 413 too', async () => {
    const answer = await api('POST', create('chunked'), Buffer.alloc(17 * 1024 * 1024, 0x20), true);
    expect(answer.status).toBe(413);
  });

  it('after every bad row, listing works and lists none of them, and nothing else of theirs was made', async () => {
    const list = await api('GET', '/containers/json?all=1');
    expect(list.status).toBe(200);
    const names = (JSON.parse(list.body) as Array<{ Names: string[] }>).flatMap((c) => c.Names);
    expect(names.filter((n) => n.includes(tag))).toEqual([]);
    const networks = JSON.parse((await api('GET', '/networks')).body) as Array<{ Name: string }>;
    expect(networks.map((n) => n.Name)).not.toContain(`${tag}-net`);
    expect(networks.map((n) => n.Name)).not.toContain('5');
    const volumes = JSON.parse((await api('GET', '/volumes')).body) as { Volumes: Array<{ Name: string }> };
    expect(volumes.Volumes.map((v) => v.Name)).not.toContain(`${tag}-vol`);
    expect((await runDocker(daemon.socket, ['ps', '-a'])).code).toBe(0);
  });

  it("a string Cmd or Entrypoint is one argv element, as Docker's strslice takes it, never split", async () => {
    const created = await api('POST', create('strcmd'), createBody({ Cmd: 'echo hi' }, image));
    expect(created.status).toBe(201);
    const { Id } = JSON.parse(created.body) as { Id: string };
    const inspected = JSON.parse((await api('GET', `/containers/${Id}/json`)).body) as { Config: { Cmd: unknown } };
    expect(inspected.Config.Cmd).toEqual(['echo hi']);
    // As on dockerd, "echo hi" is the name of the program to run, which does not exist: start fails saying so.
    const started = await api('POST', `/containers/${Id}/start`);
    // dockerd 20.10: 400 `... exec: "echo hi": executable file not found in $PATH`.
    expect({ status: started.status, body: started.body }).toMatchObject({
      status: 400,
      body: expect.stringContaining('echo hi'),
    });
    await api('DELETE', `/containers/${Id}?force=1`);

    const ran = await api('POST', create('strep'), createBody({ Entrypoint: '/bin/echo', Cmd: 'hello world' }, image));
    expect(ran.status).toBe(201);
    const id = (JSON.parse(ran.body) as { Id: string }).Id;
    expect((await api('POST', `/containers/${id}/start`)).status).toBe(204);
    const waited = JSON.parse((await api('POST', `/containers/${id}/wait`)).body) as { StatusCode: number };
    expect(waited.StatusCode).toBe(0);
    const logs = await runDocker(daemon.socket, ['logs', id]);
    expect(logs.stdout).toBe('hello world\n'); // one argument with a space, echoed back as given
    await api('DELETE', `/containers/${id}?force=1`);
  });

  it('docker load of a file that is not a tar prints an error and exits 1; berthd stays healthy', async () => {
    writeFileSync(join(dir, 'not-a-tar.tar'), 'this is not a tar archive\n'.repeat(100));
    const r = await runDocker(daemon.socket, ['load', '-i', join(dir, 'not-a-tar.tar')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a valid tar|archive/i);
    expect((await api('GET', '/_ping')).body).toBe('OK');
  });

  it('docker load of a tar with a ../x entry prints an error and exits 1, writing nothing outside', async () => {
    writeFileSync(join(dir, 'climb.tar'), await writeArchive([{ name: '../x', content: 'out\n' }]));
    const r = await runDocker(daemon.socket, ['load', '-i', join(dir, 'climb.tar')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\.\.\/x/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(existsSync(join(dir, 'root', '..', 'x'))).toBe(false);
    expect((await api('GET', '/_ping')).body).toBe('OK');
  });
});

describe.runIf(hasRunc)("the API socket is only its owner's", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-sock-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a socket folder that others can write is refused before anything is made', async () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const root = join(dir, 'open-root');
    await expect(startBerthd({ root, socket: join(open, 'berth.sock') })).rejects.toMatchObject({
      code: 'ENGINE_SOCKET_DIR_UNSAFE',
      message: expect.stringContaining('can be written by others (mode 0777)'),
    });
    expect(existsSync(join(open, 'berth.sock'))).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  it('berthd started on such a folder exits 1 with the message and hint, no stack trace', () => {
    const open = join(dir, 'open2');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const bin = join(import.meta.dirname, '../../bin/berthd.js');
    const r = spawnSync(process.execPath, [bin], {
      env: { ...process.env, BERTH_ROOT: join(dir, 'root2'), BERTH_SOCKET: join(open, 'b.sock') },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('can be written by others');
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with umask 0 the socket is still 0600: it is made with that mode, not chmod-ed afterwards', async () => {
    const previous = process.umask(0);
    let daemon: Berthd | undefined;
    try {
      daemon = await startBerthd({ root: join(dir, 'root3'), socket: join(dir, 'run3', 'berth.sock') });
      expect(process.umask()).toBe(0); // the daemon put the process umask back after listening
      expect(statSync(daemon.socket).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'run3')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(previous);
      await daemon?.close();
    }
  });
});
