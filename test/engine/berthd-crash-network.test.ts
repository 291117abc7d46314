// kill -9 of berthd in the middle of `berth up -d` (10 services, 3 published on loopback) leaves no network state
// behind once berthd is back: after `down` there is no namespace mount under the data root, no DNAT rule for the
// project's ports, none of the veths the crash left, no process of the data root; and a re-up's published ports
// answer from the right containers (a stale DNAT rule would send them elsewhere). A build killed mid-RUN leaves no
// step container after the restart. berthd and `up` run as processes of their own (the built bin/; `npm run build`).
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pingEngine } from '../../src/client/endpoint.js';
import { netavarkRuns } from '../../src/engine/networks/netavark-processes.js';
import { freePort, httpAnswer } from '../cli/loopback.js';
import { runCli } from '../cli/run-cli.js';
import { runDocker } from './docker-cli.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const ready =
  existsSync(join(REPO, 'dist', 'engine', 'daemon', 'main.js')) &&
  existsSync(join(REPO, 'dist', 'berth.cjs')) &&
  spawnSync('runc', ['--version']).status === 0 &&
  spawnSync('docker', ['--version']).status === 0 &&
  spawnSync('iptables-save', ['--version']).status === 0;

const PUBLISHED = 3;
const SERVICES = 10;

/** s0..s9, each serving its own name on port 80; s0..s2 published on loopback. */
function stackYaml(ports: readonly number[]): string {
  const services = Array.from({ length: SERVICES }, (_, i) => {
    const publish = i < PUBLISHED ? `\n    ports: ['127.0.0.1:${ports[i]}:80']` : '';
    return `  s${i}:
    image: \${IMAGE}
    command: ['sh', '-c', 'mkdir -p /www && echo s${i} > /www/index.html && exec httpd -f -p 80 -h /www']
    stop_grace_period: 0s${publish}`;
  });
  return `services:\n${services.join('\n')}\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.runIf(ready)('kill -9 of berthd during up leaves no network state behind', () => {
  let dir: string;
  let daemon: ChildProcess | undefined;
  let ports: number[] = [];
  const project = `berth-crashnet-${process.pid}`;
  const image = `${project}/busybox:1`;
  const root = (): string => join(dir, 'root');
  const socket = (): string => join(dir, 'run', 'berth.sock');
  const projectDir = (): string => join(dir, 'project');
  const netnsDir = (): string => join(root(), 'networks', 'netns');
  const env = (): Record<string, string> => ({ BERTH_ROOT: root(), BERTH_SOCKET: socket(), IMAGE: image });
  const berth = (...args: string[]) => runCli(['-p', project, ...args], { cwd: projectDir(), env: env() });

  const startDaemon = async (): Promise<void> => {
    daemon = spawn(process.execPath, [join(REPO, 'bin', 'berthd.js')], {
      env: { ...process.env, BERTH_ROOT: root(), BERTH_SOCKET: socket() },
      stdio: 'ignore',
    });
    for (let i = 0; i < 200 && !(await pingEngine(socket(), 200)); i++) await sleep(100);
    expect(await pingEngine(socket(), 500)).toBeDefined();
  };
  const killDaemon = async (): Promise<void> => {
    const d = daemon;
    if (!d || d.exitCode !== null || d.signalCode !== null) return;
    const exited = new Promise((r) => d.once('exit', r));
    d.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-crashnet-'));
    mkdirSync(projectDir());
    await startDaemon();
    writeFileSync(join(dir, 'busybox.tar'), await makeBusyboxSaveTar({ tags: [image] }));
    expect((await runDocker(socket(), ['load', '-i', join(dir, 'busybox.tar')])).code).toBe(0);
    ports = [await freePort(), await freePort(), await freePort()];
    writeFileSync(join(projectDir(), 'compose.yaml'), stackYaml(ports));
  }, 60_000);

  afterAll(async () => {
    // Whatever happened: a berthd that runs, then down, then its own stop.
    if (!(await pingEngine(socket(), 500))) {
      await killDaemon();
      await startDaemon().catch(() => undefined);
    }
    await berth('down', '-t', '0').catch(() => undefined);
    const left = (await runDocker(socket(), ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (left.length > 0) await runDocker(socket(), ['rm', '-f', ...left]);
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon?.once('exit', r));
      daemon.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Starts `berth up -d`, kills berthd with SIGKILL once `moment` says so, and waits for `up` to give up. */
  async function crashDuringUp(moment: () => boolean): Promise<void> {
    const up = spawn(process.execPath, [join(REPO, 'bin', 'berth.js'), '-p', project, 'up', '-d'], {
      cwd: projectDir(),
      env: { ...process.env, ...env() },
      stdio: 'ignore',
    });
    const upExited = new Promise((r) => up.once('exit', r));
    const until = Date.now() + 30_000;
    while (!moment() && up.exitCode === null && Date.now() < until) await sleep(5);
    await killDaemon();
    const timer = setTimeout(() => up.kill('SIGKILL'), 10_000);
    await upExited;
    clearTimeout(timer);
  }

  /** The host's links as "name#ifindex": netavark reuses veth names (veth0, veth1...), never an index soon. */
  async function hostLinks(): Promise<Array<{ id: string; master?: string }>> {
    const links = JSON.parse((await run('ip', ['-j', 'link'])).stdout) as Array<{
      ifname: string;
      ifindex: number;
      master?: string;
    }>;
    return links.map((l) => ({ id: `${l.ifname}#${l.ifindex}`, master: l.master }));
  }

  /** The project's bridges (by the crashed berthd's store) and the veths enslaved to them, as "name#ifindex". */
  async function projectLinks(): Promise<string[]> {
    const file = join(root(), 'networks', 'networks.json');
    const networks = JSON.parse(readFileSync(file, 'utf8')) as Array<{ name: string; bridge?: string }>;
    const bridges = new Set(networks.filter((n) => n.name.startsWith(`${project}_`)).map((n) => n.bridge));
    return (await hostLinks())
      .filter((l) => bridges.has(l.id.split('#')[0]) || (l.master !== undefined && bridges.has(l.master)))
      .map((l) => l.id);
  }

  /** The processes of the data root (its berthd, conmon, runc, aardvark) or in the cgroup of one of `ids`. */
  function processesOf(ids: readonly string[]): string[] {
    const found: string[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        const cgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
        if (cmd.includes(`${root()}/`) || ids.some((id) => cgroup.includes(`/berth/${id}`)))
          found.push(`${pid} ${cmd}`);
      } catch {
        // gone meanwhile
      }
    }
    return found;
  }

  /**
   * What of the data root is still on the host: mounts below it, DNAT rules for the ports, links, processes. Asked
   * again for up to 5 s while something is left: a removed network's bridge goes in the section after the answer.
   */
  async function leftovers(links: readonly string[], ids: readonly string[]) {
    let left = await leftoversNow(links, ids);
    for (let i = 0; i < 20 && JSON.stringify(left) !== JSON.stringify(clean); i++) {
      await sleep(250);
      left = await leftoversNow(links, ids);
    }
    return left;
  }

  async function leftoversNow(links: readonly string[], ids: readonly string[]) {
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(`${root()}/`));
    const nat = (await run('iptables-save', ['-t', 'nat'])).stdout.split('\n');
    const dnat = nat.filter((l) => ports.some((p) => new RegExp(`--dport ${p}\\b`).test(l)));
    const now = new Set((await hostLinks()).map((l) => l.id));
    const linksLeft = links.filter((l) => now.has(l));
    // A container's processes SIGKILLed by down are reaped a moment later: wait a little for them to go.
    let processes = processesOf(ids);
    for (let i = 0; i < 40 && processes.length > 0; i++) {
      await sleep(250);
      processes = processesOf(ids);
    }
    return { mounts, dnat, linksLeft, processes, netnsFiles: readdirSync(netnsDir()) };
  }

  const clean = { mounts: [], dnat: [], linksLeft: [], processes: [], netnsFiles: [] };

  async function projectIds(): Promise<string[]> {
    const r = await runDocker(socket(), [
      'ps',
      '-aq',
      '--no-trunc',
      '--filter',
      `label=com.docker.compose.project=${project}`,
    ]);
    return r.stdout.split('\n').filter(Boolean);
  }

  /** Each published port answers with the name of the service that publishes it (retried while httpd starts). */
  async function portsAnswer(): Promise<string[]> {
    const answers: string[] = [];
    for (const port of ports) answers.push((await httpAnswer(port)).trim());
    return answers;
  }

  const netnsCount = (): number => (existsSync(netnsDir()) ? readdirSync(netnsDir()).length : 0);
  let firstNamespaceAt = 0;
  const afterFirstNamespace = (ms: number) => (): boolean => {
    if (netnsCount() === 0) return false;
    firstNamespaceAt ||= Date.now();
    return Date.now() - firstNamespaceAt >= ms;
  };
  const moments: Array<{ name: string; moment: () => boolean; then: 'down' | 'up' }> = [
    { name: 'the first namespace is mounted', moment: afterFirstNamespace(0), then: 'down' },
    {
      name: 'a netavark setup runs',
      moment: () => netavarkRuns(join(root(), 'networks', 'aardvark')).length > 0,
      then: 'up',
    },
    { name: '600 ms after the first namespace', moment: afterFirstNamespace(600), then: 'down' },
    { name: '1000 ms after the first namespace', moment: afterFirstNamespace(1000), then: 'up' },
  ];

  for (const { name, moment, then } of moments) {
    it(`when killed as ${name}, restart then ${then} leaves nothing and a re-up answers on the right ports`, async () => {
      firstNamespaceAt = 0;
      await crashDuringUp(moment);
      const links = await projectLinks();
      await startDaemon();
      const ids = await projectIds();
      if (then === 'down') {
        const down = await berth('down', '-t', '0');
        expect(down.code, down.stderr).toBe(0);
        expect(await leftovers(links, ids)).toEqual(clean);
      }
      const up = await berth('up', '-d');
      expect(up.code, up.stderr).toBe(0);
      expect(await portsAnswer()).toEqual(['s0', 's1', 's2']);
      const upIds = await projectIds();
      expect(upIds).toHaveLength(SERVICES);
      const down = await berth('down', '-t', '0');
      expect(down.code, down.stderr).toBe(0);
      expect(await leftovers(links, [...ids, ...upIds])).toEqual(clean);
    }, 90_000);
  }

  it('a build killed mid-RUN leaves no step container once berthd is back', async () => {
    const ctx = join(dir, 'build-ctx');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nRUN sleep 30\n`);
    const build = spawn('docker', ['build', '-t', `${project}/built:1`, ctx], {
      env: { ...process.env, DOCKER_HOST: `unix://${socket()}` },
      stdio: 'ignore',
    });
    const buildExited = new Promise((r) => build.once('exit', r));
    const steps = async (): Promise<string[]> =>
      (await runDocker(socket(), ['ps', '-aq', '--no-trunc', '--filter', 'label=berth.build.step=true'])).stdout
        .split('\n')
        .filter(Boolean);
    let running: string[] = [];
    for (let i = 0; i < 200 && running.length === 0; i++) {
      running = (
        await runDocker(socket(), ['ps', '-q', '--no-trunc', '--filter', 'label=berth.build.step=true'])
      ).stdout
        .split('\n')
        .filter(Boolean);
      if (running.length === 0) await sleep(50);
    }
    expect(running).toHaveLength(1);
    await killDaemon();
    await buildExited;
    await startDaemon();
    expect(await steps()).toEqual([]);
    const left = await leftovers([], running);
    expect(left.processes).toEqual([]);
    expect(left.mounts).toEqual([]);
  }, 60_000);

  it('engine stop after a crash and down leaves no mount or process of the data root', async () => {
    await crashDuringUp(() => netavarkRuns(join(root(), 'networks', 'aardvark')).length > 0);
    await startDaemon();
    const ids = await projectIds();
    const down = await berth('down', '-t', '0');
    expect(down.code, down.stderr).toBe(0);
    const exited = new Promise((r) => daemon?.once('exit', r));
    const stop = await runCli(['engine', 'stop'], { cwd: projectDir(), env: env() });
    expect(stop.code, stop.stderr).toBe(0);
    await exited;
    expect(await leftovers([], ids)).toEqual(clean);
  }, 60_000);
});
