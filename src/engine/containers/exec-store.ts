// Exec instances (`docker exec`): created against a running container, started once with runc exec, inspected
// for their exit code. Held in memory only: an exec does not outlive the berthd that ran it, as with Docker.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../errors.js';
import { readBoundingCapabilities } from '../runtime/host-limits.js';
import type { OciProcess } from '../runtime/oci-types.js';
import { resolveUser } from '../runtime/oci-user.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import type { Lifecycle } from './lifecycle.js';
import { labelsOf } from './lifecycle.js';

/** The part of Docker's ExecConfig berthd honours. */
export interface ExecConfig {
  Cmd?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
  Tty?: boolean;
  Privileged?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
}

/**
 * One exec instance. `exitCode` is null until the process has run and exited; `pid` is its host pid while it
 * runs (0 before and after). An instance starts at most once.
 */
export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  process: OciProcess;
  started: boolean;
  running: boolean;
  exitCode: number | null;
  pid: number;
}

export class ExecStore {
  private readonly lifecycle: Lifecycle;
  private readonly records = new Map<string, ExecRecord>();

  constructor(lifecycle: Lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** Builds the process from the container's config.json, overridden by `config`. Conflict if not running. */
  async create(containerRef: string, config: ExecConfig): Promise<ExecRecord> {
    const { store } = this.lifecycle.deps;
    const c = store.get(containerRef);
    if (!c.state.Running) {
      throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
    }
    if (!Array.isArray(config.Cmd) || config.Cmd.length === 0) {
      throw new EngineError('invalid', 'ENGINE_NO_COMMAND', 'No exec command specified');
    }
    const spec = JSON.parse(readFileSync(join(store.dirOf(c.id), 'config.json'), 'utf8')) as { process: OciProcess };
    const rootfs = this.lifecycle.paths(c).rootfs;
    const record: ExecRecord = {
      id: randomBytes(32).toString('hex'),
      containerId: c.id,
      config,
      process: await execProcess(spec.process, config, rootfs),
      started: false,
      running: false,
      exitCode: null,
      pid: 0,
    };
    // Execs of removed containers go with the next create; they are never read again.
    for (const [key, r] of this.records) if (!store.find(r.containerId) && !r.running) this.records.delete(key);
    this.records.set(record.id, record);
    this.emit(record, `exec_create: ${commandLine(record)}`);
    return record;
  }

  /** Drops a finished exec that no client will inspect (a health probe's). */
  forget(id: string): void {
    if (this.records.get(id)?.running === false) this.records.delete(id);
  }

  get(id: string): ExecRecord {
    const record = this.records.get(id);
    if (!record) throw new EngineError('not-found', 'ENGINE_NO_SUCH_EXEC', `No such exec instance: ${id}`);
    return record;
  }

  /**
   * Runs the process (runc exec in the foreground; on a terminal with `Tty`). The caller owns the child's stdio;
   * the record holds the exit code before the child's `close` listeners added after this call run.
   */
  start(id: string, opts: { detach: boolean }): ChildProcess {
    const record = this.get(id);
    if (record.started) {
      throw new EngineError('conflict', 'ENGINE_EXEC_STARTED', `Error: Exec command ${id} has already run`);
    }
    const c = this.lifecycle.deps.store.get(record.containerId);
    if (!c.state.Running) {
      throw new EngineError('conflict', 'ENGINE_NOT_RUNNING', `Container ${c.id} is not running`);
    }
    record.started = true;
    record.running = true;
    const pidFile = join(this.lifecycle.deps.store.dirOf(c.id), `exec-${id.slice(0, 12)}.pid`);
    // A detached exec has nobody to read a terminal, so it runs without one.
    const tty = record.config.Tty === true && !opts.detach;
    const child = this.lifecycle.deps.runc.exec(c.id, record.process, {
      tty,
      pidFile,
      stdio: opts.detach ? 'ignore' : 'pipe',
    });
    const finish = (code: number): void => {
      record.running = false;
      record.pid = 0;
      record.exitCode = code;
      rmSync(pidFile, { force: true });
      this.emit(record, 'exec_die', { exitCode: String(code) });
    };
    child.once('close', (code, signal) => finish(code ?? (signal ? 128 + signalNumber(signal) : 255)));
    child.once('error', () => finish(126));
    this.emit(record, `exec_start: ${commandLine(record)}`);
    return child;
  }

  /** Docker's exec events: the container's attributes plus execID (and exitCode for exec_die). */
  private emit(record: ExecRecord, action: string, extra: Record<string, string> = {}): void {
    const c = this.lifecycle.deps.store.find(record.containerId);
    if (!c) return;
    const attributes = { name: c.name, image: c.image, ...labelsOf(c), execID: record.id, ...extra };
    this.lifecycle.deps.events.emit('container', action, c.id, attributes);
  }

  /** The exec's host pid, read from runc's pid file once it is there. */
  pidOf(record: ExecRecord): number {
    if (!record.running) return 0;
    if (record.pid === 0) {
      const file = join(this.lifecycle.deps.store.dirOf(record.containerId), `exec-${record.id.slice(0, 12)}.pid`);
      if (existsSync(file)) record.pid = Number(readFileSync(file, 'utf8').trim()) || 0;
    }
    return record.pid;
  }
}

/** The container's process with the exec's argv, env (by key, as moby's exec does), user, cwd and privileges. */
async function execProcess(base: OciProcess, config: ExecConfig, rootfs: string): Promise<OciProcess> {
  const env = new Map(base.env.map((e) => [keyOf(e), e] as const));
  if (config.Tty) env.set('TERM', 'TERM=xterm');
  for (const e of config.Env ?? []) env.set(keyOf(e), e);
  const proc: OciProcess = {
    ...base,
    args: [...(config.Cmd ?? [])],
    env: [...env.values()].filter((e) => e.includes('=')),
    cwd: config.WorkingDir ? config.WorkingDir : base.cwd,
  };
  if (!proc.cwd.startsWith('/')) {
    throw new EngineError('invalid', 'ENGINE_INVALID_WORKDIR', `the working directory '${proc.cwd}' is invalid`);
  }
  if (config.User) {
    const passwd = await readInRoot(rootfs, '/etc/passwd');
    const user = resolveUser(config.User, passwd, await readInRoot(rootfs, '/etc/group'));
    proc.user = { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids };
  }
  if (config.Privileged) {
    const all = readBoundingCapabilities();
    proc.capabilities = { bounding: all, effective: all, permitted: all };
  }
  return proc;
}

/** A file of the container, its symlinks resolved inside the rootfs (an image's /etc/passwd may be a link). */
async function readInRoot(rootfs: string, path: string): Promise<string | undefined> {
  try {
    return await readFile((await resolveInRoot(rootfs, path, true)).host, 'utf8');
  } catch {
    return undefined;
  }
}

/** "sh -c test -f /tmp/ok": the exec's argv joined as Docker's exec_create and exec_start events show it. */
function commandLine(record: ExecRecord): string {
  return (record.config.Cmd ?? []).join(' ');
}

function keyOf(entry: string): string {
  const i = entry.indexOf('=');
  return i === -1 ? entry : entry.slice(0, i);
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNALS[signal] ?? 1;
}
