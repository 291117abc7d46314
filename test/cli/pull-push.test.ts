// `berth pull`, `push`, `up` with pull policies, and registry credentials, end to end: a real registry
// (Debian's docker-registry on 127.0.0.1, plain HTTP, and a second one behind htpasswd basic auth), images put
// there with the docker CLI, and berth driving an engine over the Engine API. The same scenario runs on dockerd and
// on berthd; berthd's variant is skipped while berthd answers "cannot pull from registries yet".
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';
import type { Registry, TestEngine } from './registry-fixture.js';
import { hasDockerd, hasHtpasswd, hasRegistry, startEngine, startRegistry } from './registry-fixture.js';
import { runCli } from './run-cli.js';

function scenario(kind: 'berthd' | 'dockerd'): void {
  let dir: string;
  let registry: Registry;
  let secured: Registry;
  let engine: TestEngine;
  let env: Record<string, string>;
  const project = `berth-reg-${kind}-${process.pid}`;
  const user = { name: 'alice', password: `pw-${process.pid}` };
  let base: string; // REG/berth-reg/busybox:1, in the plain registry only
  let privateImage: string; // AUTHREG/berth-reg/private:1, in the registry with basic auth only

  const berth = (args: string[], extra: Record<string, string> = {}) =>
    runCli(['-p', project, ...args], { cwd: join(dir, 'project'), env: { ...env, ...extra } });
  const writeStack = (yaml: string): void => writeFileSync(join(dir, 'project', 'compose.yaml'), yaml);
  const hasImage = async (ref: string): Promise<boolean> =>
    (await engine.client.find(`/images/${encodeURIComponent(ref)}/json`)) !== undefined;
  const removeImage = async (ref: string): Promise<void> => {
    await engine.client
      .call('DELETE', `/images/${encodeURIComponent(ref)}`, { query: { force: 1 } })
      .catch(() => undefined);
  };
  const containerStates = async (): Promise<string[]> => {
    const list = await engine.client.call<Array<{ State: string }>>('GET', '/containers/json', {
      query: { all: 1, filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }) },
    });
    return list.map((c) => c.State);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `berth-reg-${kind}-`));
    mkdirSync(join(dir, 'project'));
    registry = await startRegistry(join(dir, 'reg'));
    secured = await startRegistry(join(dir, 'reg-auth'), user);
    engine = await startEngine(kind, join(dir, 'engine'));
    env = { ...engine.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` };
    base = `${registry.host}/berth-reg/busybox:1`;
    privateImage = `${secured.host}/berth-reg/private:1`;
    // Put the images in the registries with the docker CLI (with a login for the secured one), then forget them.
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [base, privateImage] }));
    await engine.docker(['load', '-i', join(dir, 'busybox.tar')]);
    await engine.docker(['push', base]);
    const pushConfig = join(dir, 'push-config');
    mkdirSync(pushConfig);
    const basic = Buffer.from(`${user.name}:${user.password}`).toString('base64');
    writeFileSync(join(pushConfig, 'config.json'), JSON.stringify({ auths: { [secured.host]: { auth: basic } } }));
    await engine.docker(['push', privateImage], pushConfig);
    await removeImage(base);
    await removeImage(privateImage);
  }, 180_000);

  afterAll(async () => {
    await berth(['down', '--remove-orphans', '-t', '0']).catch(() => undefined);
    // one-off containers of `run` too: berthd keeps containers running over its own stop
    const left = await engine?.client.call<{ Id: string }[]>('GET', '/containers/json', { query: { all: 1 } });
    for (const c of left ?? []) await engine.client.call('DELETE', `/containers/${c.Id}`, { query: { force: 1 } });
    await engine?.close();
    await registry?.close();
    await secured?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('berth pull fetches each image once, skips services that only build, and names the image it pulled', async () => {
    mkdirSync(join(dir, 'project', 'app'), { recursive: true });
    writeFileSync(join(dir, 'project', 'app', 'Dockerfile'), `FROM ${base}\n`);
    writeStack(`services:\n  a: {image: ${base}}\n  b: {image: ${base}}\n  local: {build: ./app}\n`);
    expect(await hasImage(base)).toBe(false);
    const r = await berth(['--progress', 'plain', 'pull']);
    expect(r.stderr).toContain(' a  Pulled');
    expect(r.stderr).toContain(`Skipped - Image is already being pulled by a`);
    expect(r.stderr).toContain(' local  Skipped - No image to be pulled');
    expect(r.code).toBe(0);
    expect(await hasImage(base)).toBe(true);
  }, 120_000);

  it('a failing pull names the image, the registry and the reason, and --ignore-pull-failures pulls the rest', async () => {
    const missing = `${registry.host}/berth-reg/nope:1`;
    writeStack(`services:\n  ok: {image: ${base}}\n  gone: {image: ${missing}}\n`);
    await removeImage(base);
    const failed = await berth(['--progress', 'plain', 'pull']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`pull ${missing} from ${registry.host}`);
    expect(failed.stderr).toMatch(/not found|manifest unknown/i);
    expect(failed.stderr).toContain(`hint: check the name and tag of ${missing}`);
    const ignored = await berth(['--progress', 'plain', 'pull', '--ignore-pull-failures']);
    expect(ignored.code).toBe(0);
    expect(await hasImage(base)).toBe(true);
    expect(await hasImage(missing)).toBe(false);
  }, 120_000);

  it('up pulls an image that is only in the registry; pull_policy never refuses to and creates nothing', async () => {
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600, pull_policy: never}\n`);
    await removeImage(base);
    const refused = await berth(['up', '-d']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`image ${base} of service "app" is not on the engine`);
    expect(await containerStates()).toEqual([]);
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600}\n`);
    const plan = await berth(['plan']);
    expect(plan.stdout).toContain(`< image ${base} (missing)`);
    expect(await hasImage(base)).toBe(false); // plan never pulls
    const up = await berth(['--progress', 'plain', 'up', '-d']);
    expect(up.stderr).toContain(' app  Pulled');
    expect(up.code).toBe(0);
    expect(await hasImage(base)).toBe(true);
    expect(await containerStates()).toEqual(['running']);
  }, 120_000);

  it('pull_policy always pulls again on up; missing does not when the image is there; --pull never overrides', async () => {
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600, pull_policy: always}\n`);
    expect((await berth(['plan'])).stdout).toContain(`< image ${base} (policy always)`);
    const always = await berth(['--progress', 'plain', 'up', '-d']);
    expect(always.code).toBe(0);
    expect(always.stderr).toContain(' app  Pulling');
    const never = await berth(['--progress', 'plain', 'up', '-d', '--pull', 'never']);
    expect(never.code).toBe(0);
    expect(never.stderr).not.toContain('Pulling');
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600, pull_policy: missing}\n`);
    const missing = await berth(['--progress', 'plain', 'up', '-d']);
    expect(missing.code).toBe(0);
    expect(missing.stderr).not.toContain('Pulling');
    expect((await berth(['plan'])).stdout).not.toContain('< image');
  }, 120_000);

  it("the time-based policies compare with the engine's last pull of the image: daily waits, every_1s is due", async () => {
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600, pull_policy: daily}\n`);
    expect((await berth(['pull'])).code).toBe(0); // sets the image's LastTagTime
    expect((await berth(['plan'])).stdout).not.toContain('< image');
    await new Promise((r) => setTimeout(r, 1100));
    writeStack(`services:\n  app: {image: ${base}, command: sleep 3600, pull_policy: every_1s}\n`);
    expect((await berth(['plan'])).stdout).toMatch(
      new RegExp(`< image ${base.replace(/\./g, '\\.')} \\(last pulled \\d+s ago\\)`),
    );
  }, 120_000);

  it('run pulls a missing image before it runs the one-off container', async () => {
    writeStack(`services:\n  tool: {image: ${base}}\n`);
    await berth(['down', '-t', '0']);
    await removeImage(base);
    const r = await berth(['run', '--rm', '-T', 'tool', 'echo', 'ran']);
    expect(r.stderr).toContain(' tool  Pulled');
    expect(r.stdout).toContain('ran');
    expect(r.code).toBe(0);
    expect(await hasImage(base)).toBe(true);
  }, 120_000);

  it('push sends a built service image to its registry, and skips services that are not built', async () => {
    const built = `${registry.host}/berth-reg/built:${process.pid}`;
    mkdirSync(join(dir, 'project', 'app'), { recursive: true });
    writeFileSync(join(dir, 'project', 'app', 'Dockerfile'), `FROM ${base}\nCOPY hello.txt /hello.txt\n`);
    writeFileSync(join(dir, 'project', 'app', 'hello.txt'), 'hello\n');
    writeStack(`services:\n  app: {build: ./app, image: ${built}}\n  plain: {image: ${base}}\n`);
    expect((await berth(['build'])).code).toBe(0);
    const pushed = await berth(['--progress', 'plain', 'push']);
    expect(pushed.stderr).toContain(' plain  Skipped');
    expect(pushed.code).toBe(0);
    await removeImage(built);
    writeStack(`services:\n  app: {image: ${built}}\n`);
    expect((await berth(['pull'])).code).toBe(0);
    expect(await hasImage(built)).toBe(true);
  }, 180_000);

  it('a registry with basic auth: refused without credentials (hint docker login), pulled with auths or a helper', async () => {
    writeStack(`services:\n  secret: {image: ${privateImage}}\n`);
    const empty = join(dir, 'config-empty');
    mkdirSync(empty, { recursive: true });
    const anonymous = await berth(['pull'], { DOCKER_CONFIG: empty });
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain(`hint: log in with: docker login ${secured.host}`);

    const withAuths = join(dir, 'config-auths');
    mkdirSync(withAuths, { recursive: true });
    const basic = Buffer.from(`${user.name}:${user.password}`).toString('base64');
    writeFileSync(join(withAuths, 'config.json'), JSON.stringify({ auths: { [secured.host]: { auth: basic } } }));
    const byAuths = await berth(['pull'], { DOCKER_CONFIG: withAuths });
    expect(byAuths.stderr).not.toContain(user.password);
    expect(byAuths.code).toBe(0);
    expect(await hasImage(privateImage)).toBe(true);
    await removeImage(privateImage);

    // The helper protocol: `docker-credential-test get`, server on stdin, JSON out; it logs what it was asked.
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-test');
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\necho "$1 $server" >> ${join(dir, 'helper.log')}\n` +
        `[ "$server" = "${secured.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\n` +
        `printf '{"ServerURL":"%s","Username":"${user.name}","Secret":"${user.password}"}' "$server"\n`,
    );
    chmodSync(helper, 0o755);
    const withHelper = join(dir, 'config-helper');
    mkdirSync(withHelper, { recursive: true });
    writeFileSync(join(withHelper, 'config.json'), JSON.stringify({ credsStore: 'test' }));
    const byHelper = await berth(['pull'], { DOCKER_CONFIG: withHelper });
    expect(byHelper.code).toBe(0);
    expect(await hasImage(privateImage)).toBe(true);
    expect(readFileSync(join(dir, 'helper.log'), 'utf8')).toContain(`get ${secured.host}`);
  }, 180_000);
}

describe.runIf(hasRegistry && hasDockerd && hasHtpasswd)('registries through dockerd', () => scenario('dockerd'));
describe.runIf(hasRegistry && hasHtpasswd)('registries through berthd', () => scenario('berthd'));
