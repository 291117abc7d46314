// Docker's default confinement on berthd, driven by the real docker CLI: the default seccomp profile with its
// capability-dependent rules, `seccomp=unconfined`, `seccomp=FILE`, --privileged, masked and read-only /proc
// paths, RUN steps of a build, and /info. The same commands run on Debian's dockerd, where it is installed, to show
// both engines agree. Each engine has its own data root, socket and names, and what a test made is removed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBerthd } from '../../src/engine/daemon/berthd.js';
import type { DockerResult } from './docker-cli.js';
import { runDocker } from './docker-cli.js';
import { makeBusyboxSaveTar } from './fixtures/busybox-image.js';

const hasTools = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;
const hasDockerd = spawnSync('dockerd', ['--version']).status === 0;

// Mounting a tmpfs in a new user and mount namespace: what the default profile must stop (unshare(CLONE_NEWUSER)
// needs CAP_SYS_ADMIN in Docker's profile) and what works without a filter.
const USERNS_MOUNT = ['unshare', '-U', '-r', '-m', 'sh', '-c', 'mount -t tmpfs none /mnt && echo mounted'];
// Everything allowed but mkdir/mkdirat, which fail with EPERM: a profile whose effect a test can see.
const NO_MKDIR_PROFILE = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
};

interface Engine {
  socket: string;
  close(): Promise<void>;
}

function scenario(name: string, startEngine: (dir: string) => Promise<Engine>): void {
  let engine: Engine | undefined;
  let dir: string;
  const tag = `berth-seccomp-${process.pid}`;
  const image = `${tag}/busybox:1`;
  const docker = (...args: string[]): Promise<DockerResult> => runDocker(engine?.socket ?? '', args, 120_000);
  const run = (...args: string[]): Promise<DockerResult> => docker('run', '--rm', ...args);
  const seccompMode = async (...opts: string[]): Promise<string> => {
    const r = await run(...opts, image, 'grep', 'Seccomp:', '/proc/self/status');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.replace(/\s+/g, ' ').trim();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berthd-seccomp-'));
    engine = await startEngine(dir);
    const extra = ['unshare', 'mount'].map((a) => ({
      name: `bin/${a}`,
      type: 'symlink' as const,
      linkname: 'busybox',
    }));
    writeFileSync(
      join(dir, 'busybox.tar'),
      await makeBusyboxSaveTar({ tags: [image], extraLayers: [[{ name: 'mnt/', type: 'directory' }, ...extra]] }),
    );
    const load = await docker('load', '-i', join(dir, 'busybox.tar'));
    expect(load.code, load.stderr).toBe(0);
    writeFileSync(join(dir, 'no-mkdir.json'), JSON.stringify(NO_MKDIR_PROFILE));
  }, 120_000);

  afterAll(async () => {
    try {
      if (engine) {
        const ids = (await docker('ps', '-aq')).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
        await docker('rmi', '-f', image, `${tag}/built:1`);
      }
    } finally {
      await engine?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe(name, () => {
    it('a default container must run under a seccomp filter', async () => {
      expect(await seccompMode()).toBe('Seccomp: 2');
    });

    it('a default container must not mount a tmpfs in a new user namespace', async () => {
      const r = await run(image, ...USERNS_MOUNT);
      expect(r.code).not.toBe(0);
      expect(r.stdout).not.toContain('mounted');
      expect(r.stderr).toMatch(/unshare.*Operation not permitted/);
    });

    it('seccomp=unconfined must run without a filter, where the same mount works', async () => {
      expect(await seccompMode('--security-opt', 'seccomp=unconfined')).toBe('Seccomp: 0');
      const r = await run('--security-opt', 'seccomp=unconfined', image, ...USERNS_MOUNT);
      expect(r, r.stderr).toMatchObject({ code: 0, stdout: 'mounted\n' });
    });

    // Only on berthd: dockerd grants every capability the kernel knows, more than this host's bounding set holds,
    // so runc cannot start a privileged container of dockerd here; berthd grants what it holds.
    it.runIf(name === 'berthd')('--privileged must run without a filter', async () => {
      expect(await seccompMode('--privileged')).toBe('Seccomp: 0');
    });

    it("CAP_SYS_ADMIN must allow unshare, as the profile's capability rules say", async () => {
      expect((await run(image, 'unshare', '-U', 'true')).code).not.toBe(0);
      const r = await run('--cap-add', 'SYS_ADMIN', image, 'unshare', '-U', 'true');
      expect(r.code, r.stderr).toBe(0);
    });

    it('seccomp=FILE (the CLI sends the JSON) must apply that profile', async () => {
      const opt = `seccomp=${join(dir, 'no-mkdir.json')}`;
      const r = await run('--security-opt', opt, image, 'mkdir', '/made');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('Operation not permitted');
      expect((await run(image, 'mkdir', '/made')).code).toBe(0);
    });

    it('masked and read-only /proc paths must be in place, and systempaths=unconfined must lift them', async () => {
      const confined = await run(image, 'sh', '-c', 'ls -l /proc/timer_list; echo 1 > /proc/sys/kernel/ns_last_pid');
      expect(confined.stdout).toMatch(/^c/); // /dev/null bound over it
      expect(confined.stderr).toMatch(/Read-only file system/);
      const open = await run('--security-opt', 'systempaths=unconfined', image, 'ls', '-l', '/proc/timer_list');
      expect(open.stdout).toMatch(/^-r/);
    });

    it('docker info must name the default seccomp profile', async () => {
      const r = await docker('info', '--format', '{{json .SecurityOptions}}');
      expect(JSON.parse(r.stdout) as string[]).toContain('name=seccomp,profile=default');
    });

    it('a RUN step of a build must run under the default filter', async () => {
      const ctx = join(dir, 'ctx');
      mkdirSync(ctx, { recursive: true });
      writeFileSync(join(ctx, 'Dockerfile'), `FROM ${image}\nRUN grep Seccomp: /proc/self/status > /mode\n`);
      const b = await docker('build', '-q', '-t', `${tag}/built:1`, ctx);
      expect(b.code, b.stderr).toBe(0);
      const r = await run(`${tag}/built:1`, 'cat', '/mode');
      expect(r.stdout.replace(/\s+/g, ' ').trim()).toBe('Seccomp: 2');
    });
  });
}

describe.runIf(hasTools)('berthd applies Docker’s default confinement (docker CLI)', () => {
  scenario('berthd', async (dir) => {
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    return { socket: d.socket, close: () => d.close() };
  });

  it('an unknown security option and a bad profile must be refused at create with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berthd-seccomp-bad-'));
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 'run', 'berth.sock') });
    try {
      writeFileSync(join(dir, 'b.tar'), await makeBusyboxSaveTar({ tags: [`berth-seccomp-bad-${process.pid}:1`] }));
      await runDocker(d.socket, ['load', '-i', join(dir, 'b.tar')]);
      const img = `berth-seccomp-bad-${process.pid}:1`;
      const bogus = await runDocker(d.socket, ['create', '--security-opt', 'bogus=1', img]);
      expect(bogus.code).not.toBe(0);
      expect(bogus.stderr).toContain('invalid --security-opt: "bogus=1"');
      writeFileSync(join(dir, 'bad.json'), '{"defaultAction": "SCMP_ACT_NOPE"}');
      const bad = await runDocker(d.socket, ['create', '--security-opt', `seccomp=${join(dir, 'bad.json')}`, img]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('unknown action "SCMP_ACT_NOPE"');
      expect((await runDocker(d.socket, ['ps', '-aq'])).stdout.trim()).toBe('');
    } finally {
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a default profile of its own must be used and named in /info by its path, as dockerd does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berthd-seccomp-own-'));
    const profile = join(dir, 'own.json');
    writeFileSync(profile, JSON.stringify(NO_MKDIR_PROFILE));
    const d = await startBerthd({ root: join(dir, 'root'), socket: join(dir, 's.sock'), seccompProfile: profile });
    try {
      const info = await runDocker(d.socket, ['info', '--format', '{{json .SecurityOptions}}']);
      expect(JSON.parse(info.stdout)).toEqual([`name=seccomp,profile=${profile}`]);
      const img = `berth-seccomp-own-${process.pid}:1`;
      writeFileSync(join(dir, 'b.tar'), await makeBusyboxSaveTar({ tags: [img] }));
      await runDocker(d.socket, ['load', '-i', join(dir, 'b.tar')]);
      const r = await runDocker(d.socket, ['run', '--rm', img, 'mkdir', '/made']);
      expect(r.stderr).toContain('Operation not permitted');
    } finally {
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('berthd must refuse to start without its default profile, naming what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berthd-seccomp-none-'));
    try {
      await expect(
        startBerthd({
          root: join(dir, 'root'),
          socket: join(dir, 's.sock'),
          seccompProfile: join(dir, 'missing.json'),
        }),
      ).rejects.toMatchObject({ code: 'ENGINE_NO_SECCOMP_PROFILE', hint: expect.stringContaining('profile') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Debian's dockerd on its own data root and socket, without touching the host's firewall or default bridge. */
async function startDockerd(dir: string): Promise<Engine> {
  const socket = join(dir, 'docker.sock');
  const ns = `berth-seccomp-${process.pid}`;
  const child = spawn(
    'dockerd',
    [
      ...['--data-root', join(dir, 'docker'), '--exec-root', join(dir, 'dexec'), '--pidfile', join(dir, 'docker.pid')],
      ...['-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip-masq=false'],
      ...['--containerd-namespace', ns, '--containerd-plugins-namespace', `${ns}-p`],
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 300 && (await runDocker(socket, ['version'], 5_000)).code !== 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  return {
    socket,
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      const mounts = readFileSync('/proc/mounts', 'utf8').split('\n');
      for (const m of mounts.map((l) => l.split(' ')[1] ?? '').reverse()) {
        if (m.startsWith(`${dir}/`)) spawnSync('umount', [m]);
      }
    },
  };
}

describe.runIf(hasTools && hasDockerd)("Debian's dockerd gives the same results (docker CLI)", () => {
  scenario('dockerd', startDockerd);
});
