// A throwaway runtime environment for one test: its own runc root, exit dir, busybox rootfs and bundles, all under
// one temp directory, with unique container ids. dispose() removes everything it made, even after a failure:
// runc delete -f, conmon gone, overlays unmounted, cgroups removed, files deleted.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWithConmon } from '../../../src/engine/runtime/conmon.js';
import { readBoundingCapabilities, readHardLimits } from '../../../src/engine/runtime/host-limits.js';
import { buildOciSpec, serializeOciSpec } from '../../../src/engine/runtime/oci-spec.js';
import type { OciSpec } from '../../../src/engine/runtime/oci-types.js';
import { isMounted, mountOverlay, unmount } from '../../../src/engine/runtime/overlay.js';
import { Runc } from '../../../src/engine/runtime/runc.js';
import type { ContainerProcessConfig, HostResourceConfig } from '../../../src/engine/runtime/spec-input.js';

let counter = 0;

/** A unique id: this worker's pid, a counter and randomness, so parallel test files never collide. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A root file system with static busybox in /bin and one relative symlink per applet. */
export function makeBusyboxRootfs(dir: string): void {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync('/usr/bin/busybox', join(dir, 'bin/busybox'));
  execFileSync('chmod', ['755', join(dir, 'bin/busybox')]);
  const applets = execFileSync('/usr/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) if (a !== 'busybox') symlinkSync('busybox', join(dir, 'bin', a));
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

export interface TestContainer {
  id: string;
  bundle: string;
  spec: OciSpec;
  logPath: string;
  exitFile: string;
  persistDir: string;
  cgroupsPath: string;
  pid: number;
  conmonPid: number;
}

export class RuntimeSandbox {
  readonly base: string;
  readonly runc: Runc;
  readonly exitDir: string;
  private readonly lower: string;
  private readonly containers: TestContainer[] = [];
  private readonly mounts: string[] = [];

  constructor() {
    this.base = mkdtempSync(join(tmpdir(), 'berth-rt-'));
    this.runc = new Runc({ root: join(this.base, 'runc'), tmpDir: this.base });
    this.exitDir = join(this.base, 'exits');
    this.lower = join(this.base, 'busybox');
    makeBusyboxRootfs(this.lower);
  }

  /** Writes a bundle (overlay rootfs over busybox, spec from buildOciSpec) and creates it under conmon. */
  async create(
    config: ContainerProcessConfig,
    host: HostResourceConfig = {},
    opts: { logSizeMax?: number } = {},
  ): Promise<TestContainer> {
    const id = uniqueId('rt');
    const bundle = join(this.base, id);
    const [rootfs, upper, work] = ['rootfs', 'upper', 'work'].map((d) => join(bundle, d)) as [string, string, string];
    for (const d of [rootfs, upper, work]) mkdirSync(d, { recursive: true });
    await mountOverlay({ lowerdirs: [this.lower], upperdir: upper, workdir: work, target: rootfs });
    this.mounts.push(rootfs);
    const etc = {
      hosts: join(bundle, 'hosts'),
      hostname: join(bundle, 'hostname'),
      resolvConf: join(bundle, 'resolv.conf'),
    };
    writeFileSync(etc.hosts, '127.0.0.1\tlocalhost\n');
    writeFileSync(etc.hostname, `${id.slice(0, 12)}\n`);
    writeFileSync(etc.resolvConf, '');
    const cgroupsPath = `/berth-test-${id}`;
    const spec = buildOciSpec({
      id,
      rootfs,
      hostname: id.slice(0, 12),
      image: {},
      config,
      host,
      etcFiles: etc,
      passwd: readFileSync(join(rootfs, 'etc/passwd'), 'utf8'),
      group: readFileSync(join(rootfs, 'etc/group'), 'utf8'),
      initPath: '/usr/bin/catatonit',
      cgroupsPath,
      hardLimits: readHardLimits(),
      hostCapabilities: readBoundingCapabilities(),
    });
    writeFileSync(join(bundle, 'config.json'), serializeOciSpec(spec));
    const c = {
      id,
      bundle,
      spec,
      logPath: join(bundle, 'ctr.log'),
      exitFile: join(this.exitDir, id),
      persistDir: join(bundle, 'conmon'),
      cgroupsPath,
      pid: 0,
      conmonPid: 0,
    };
    this.containers.push(c);
    const started = await createWithConmon({
      id,
      bundle,
      runc: this.runc,
      logPath: c.logPath,
      exitDir: this.exitDir,
      persistDir: c.persistDir,
      pidFile: join(bundle, 'pidfile'),
      conmonPidFile: join(bundle, 'conmon.pid'),
      logSizeMax: opts.logSizeMax,
    });
    c.pid = started.pid;
    c.conmonPid = started.conmonPid;
    return c;
  }

  async dispose(): Promise<void> {
    for (const c of this.containers) {
      await this.runc.delete(c.id, { force: true }).catch(() => undefined);
      if (c.conmonPid > 0) await waitGone(c.conmonPid);
      removeCgroups(c.cgroupsPath);
    }
    for (const m of this.mounts) await unmount(m).catch(() => undefined);
    for (const m of this.mounts) if (await isMounted(m)) throw new Error(`still mounted: ${m}`);
    rmSync(this.base, { recursive: true, force: true });
  }
}

/** The exit code conmon wrote for `c`, once it has. */
export async function waitForExit(c: TestContainer, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(c.exitFile) ? readFileSync(c.exitFile, 'utf8').trim() : '';
    if (text !== '') return Number(text);
    await delay(25);
  }
  throw new Error(`container ${c.id} did not exit within ${timeoutMs} ms`);
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// conmon exits shortly after its container; a leftover one is killed so no test leaves a process behind.
async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 100 && isAlive(pid); i++) await delay(20);
  if (isAlive(pid) && readProcName(pid) === 'conmon') process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readProcName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

// runc delete removes the cgroups; these are left only when a create failed half-way.
function removeCgroups(cgroupsPath: string): void {
  for (const controller of readdirSync('/sys/fs/cgroup')) {
    const dir = join('/sys/fs/cgroup', controller, cgroupsPath);
    try {
      if (existsSync(dir)) rmdirSync(dir);
    } catch {
      // busy or gone: nothing more to do here
    }
  }
}
