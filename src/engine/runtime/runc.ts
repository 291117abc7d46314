// A thin wrapper over the runc CLI (podman's OCIRuntime idea): one method per runc command, no container state
// of its own. Containers are created by conmon (conmon.ts), which runs `runc create`; everything after goes here.
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { EngineError } from '../errors.js';
import { startByExecFifo } from './exec-fifo.js';
import { processStartTime } from './process-signal.js';
import { runcError } from './runc-errors.js';
import type { RuncStateFile } from './runc-state-file.js';
import { initProcess, readRuncStateFile } from './runc-state-file.js';
import type { RuncStats } from './runc-stats.js';
import { runTool } from './run-tool.js';
import type { OciProcess } from './oci-types.js';

export type { RuncStats } from './runc-stats.js';

/** `runc state` output. `pid` is 0 once the container has stopped. */
export interface RuncState {
  ociVersion: string;
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
  rootfs: string;
  created: string;
  owner?: string;
  annotations?: Record<string, string>;
}

export interface RuncOptions {
  /** runc's state directory (--root). One per berthd data root, so daemons and tests never see each other's. */
  root: string;
  /** The runc binary; a bare name is looked up in PATH. Default "runc". */
  binary?: string;
  /** Where exec process specs are written for runc to read; default the OS temp directory. */
  tmpDir?: string;
}

export interface ExecOptions {
  /** runc exits once the process started; its pid goes to `pidFile`. Not with `tty`. */
  detach?: boolean;
  /**
   * Run on a pseudo-terminal (foreground only). runc copies it to its stdio, which util-linux `script` makes a
   * terminal; output then has CRLF line ends, as with Docker.
   */
  tty?: boolean;
  pidFile?: string;
  /** stdio of the runc process, which is the exec'd process's (default: all pipes). */
  stdio?: StdioOptions;
}

/**
 * Every method throws EngineError: `not-found` (ENGINE_NO_SUCH_CONTAINER) when runc has no such container,
 * `conflict` (ENGINE_RUNTIME_STATE) when it is in the wrong state, `internal` otherwise, with runc's message.
 */
export class Runc {
  readonly root: string;
  /** Absolute when found in PATH; conmon needs it so. */
  readonly binary: string;
  private readonly tmpDir: string;

  constructor(opts: RuncOptions) {
    this.root = opts.root;
    this.binary = findInPath(opts.binary ?? 'runc');
    this.tmpDir = opts.tmpDir ?? tmpdir();
  }

  /** Whether runc keeps state for `id` (its folder under --root): a cheap check that spares a `runc delete`. */
  hasState(id: string): boolean {
    return existsSync(join(this.root, id));
  }

  /** The container's state, or undefined when runc does not know it. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      return JSON.parse(await this.run('state', id, [id])) as RuncState;
    } catch (e) {
      if (e instanceof EngineError && e.kind === 'not-found') return undefined;
      throw e;
    }
  }

  async list(): Promise<RuncState[]> {
    return (JSON.parse(await this.run('list', '', ['--format', 'json'])) as RuncState[] | null) ?? [];
  }

  /**
   * Starts a created container's process (the one conmon created): through runc's exec.fifo, as `runc start`
   * does but without its process (exec-fifo.ts); by `runc start` when there is no fifo to open.
   */
  async start(id: string): Promise<void> {
    let how: 'started' | 'unavailable';
    try {
      how = isPlainId(id) ? await startByExecFifo(join(this.root, id)) : 'unavailable';
    } catch (e) {
      throw runcError('start', id, { code: 1, stdout: '', stderr: e instanceof Error ? e.message : String(e) });
    }
    if (how === 'unavailable') await this.run('start', id, [id]);
  }

  /** `signal` as a name (SIGTERM, TERM) or a number. `all` signals every process of the container. */
  async kill(id: string, signal: string | number, opts: { all?: boolean } = {}): Promise<void> {
    const sig = String(signal).toUpperCase();
    if (!/^(\d+|(SIG)?[A-Z][A-Z0-9+-]*)$/.test(sig)) {
      throw new EngineError('invalid', 'ENGINE_INVALID_SIGNAL', `invalid signal "${String(signal)}"`);
    }
    await this.run('kill', id, [...(opts.all ? ['--all'] : []), id, sig]);
  }

  /** Removes runc's record and the cgroup. `force` kills a running container first. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.run('delete', id, [...(opts.force ? ['--force'] : []), id]);
  }

  /**
   * Forgets a container whose process has ended, as `runc delete` does for a stopped one: its cgroups, then runc's
   * state folder; without a runc process, from runc's state.json. `runc delete --force` does it instead when that
   * file says anything else could be left (processes of a shared pid namespace, a live init, hooks to run) or a
   * cgroup does not go.
   */
  async release(id: string): Promise<void> {
    if (!isPlainId(id) || !this.hasState(id)) return;
    const state = readRuncStateFile(join(this.root, id));
    const paths = state === undefined ? undefined : releasablePaths(state);
    if (paths === undefined || !(await removeCgroups(paths))) {
      await this.delete(id, { force: true });
      return;
    }
    await rm(join(this.root, id), { recursive: true, force: true });
  }

  async pause(id: string): Promise<void> {
    await this.run('pause', id, [id]);
  }

  async resume(id: string): Promise<void> {
    await this.run('resume', id, [id]);
  }

  /** Host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    return (JSON.parse(await this.run('ps', id, ['--format', 'json', id])) as number[] | null) ?? [];
  }

  /** One sample of cgroup statistics (`runc events --stats`). */
  async stats(id: string): Promise<RuncStats> {
    const event = JSON.parse(await this.run('events', id, ['--stats', id])) as { data: RuncStats };
    return event.data;
  }

  /**
   * Starts `proc` in the container (`runc exec -p`). The returned child is runc itself: its stdio is the
   * process's and its exit code the process's (or 255 with runc's message on stderr when runc fails).
   */
  exec(id: string, proc: OciProcess, opts: ExecOptions = {}): ChildProcess {
    if (opts.detach && opts.tty) {
      throw new EngineError(
        'invalid',
        'ENGINE_INVALID_EXEC',
        'a detached exec cannot have a TTY without a console socket',
      );
    }
    // runc reads the spec from a path; a private directory keeps it unguessable, and it goes when runc exits.
    const dir = mkdtempSync(join(this.tmpDir, 'berth-exec-'));
    const specPath = join(dir, 'process.json');
    writeFileSync(specPath, JSON.stringify({ ...proc, terminal: opts.tty === true }), { mode: 0o600 });
    const args = ['--root', this.root, 'exec', '--process', specPath];
    if (opts.detach) args.push('--detach');
    if (opts.tty) args.push('--tty');
    if (opts.pidFile) args.push('--pid-file', opts.pidFile);
    args.push(id);
    // runc copies a foreground TTY to its own stdio only when that stdio is a terminal (it opens /dev/tty), and
    // Node cannot take a pty master over a console socket; util-linux `script` gives runc a terminal to use.
    const child = opts.tty
      ? spawn(
          'script',
          ['--quiet', '--return', '--echo', 'never', '--command', shellQuote([this.binary, ...args]), '/dev/null'],
          {
            stdio: opts.stdio ?? 'pipe',
          },
        )
      : spawn(this.binary, args, { stdio: opts.stdio ?? 'pipe' });
    child.once('close', () => rmSync(dir, { recursive: true, force: true }));
    child.once('error', () => rmSync(dir, { recursive: true, force: true }));
    return child;
  }

  private async run(command: string, id: string, args: readonly string[]): Promise<string> {
    const result = await runTool(this.binary, ['--root', this.root, '--log-format', 'json', command, ...args]);
    if (result.code !== 0) throw runcError(command, id, result);
    return result.stdout;
  }
}

/**
 * The cgroup folders to remove for a stopped container, or undefined when `runc delete` must do it: the container
 * joined a pid namespace or has none of its own (its processes may outlive its init), its init still runs, it has
 * hooks, or the file lacks what is needed.
 */
export function releasablePaths(state: RuncStateFile, startTimeOf = processStartTime): string[] | undefined {
  const ns = state.config?.namespaces;
  const pidns = ns?.find((n) => n.type === 'NEWPID');
  if (pidns === undefined || (pidns.path ?? '') !== '') return undefined;
  if (Object.values(state.config?.hooks ?? {}).some((list) => Array.isArray(list) && list.length > 0)) return undefined;
  const init = initProcess(state);
  if (init === undefined || startTimeOf(init.pid) === init.start) return undefined; // still running (or not reaped)
  const paths = Object.values(state.cgroup_paths ?? {});
  if (paths.length === 0 || !paths.every((p) => typeof p === 'string' && p.startsWith('/sys/fs/cgroup/'))) {
    return undefined;
  }
  return [...new Set(paths)];
}

/** Removes each (empty) cgroup folder; false when one is still there for another reason than being gone. */
async function removeCgroups(paths: readonly string[]): Promise<boolean> {
  const results = await Promise.all(
    paths.map((p) =>
      rmdir(p).then(
        () => true,
        (e: NodeJS.ErrnoException) => e.code === 'ENOENT',
      ),
    ),
  );
  return results.every(Boolean);
}

// runc's own rule for ids (^[\w+-\.]+$); anything else is left to runc to refuse, and never joined to a path.
function isPlainId(id: string): boolean {
  return /^[\w+.-]+$/.test(id) && id !== '.' && id !== '..';
}

function shellQuote(words: readonly string[]): string {
  return words.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
}

function findInPath(binary: string): string {
  if (binary.includes('/')) return binary;
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return binary;
}
