// Creates a container under conmon, as podman's libpod/oci_conmon_linux.go does, so the container and its log
// outlive berthd: conmon daemonizes (its own session, parent pid 1), runs `runc create`, reports the container
// pid on a sync pipe, copies stdout/stderr to a k8s-file log and writes the exit code to <exitDir>/<id> when
// the container ends. The container is left "created"; Runc.start starts it.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EngineError } from '../errors.js';
import type { Runc } from './runc.js';
import { runcMessage } from './runc-errors.js';

export interface ConmonCreateOptions {
  id: string;
  /** Directory holding config.json. conmon also puts its ctl/winsz fifos (and the attach socket) there. */
  bundle: string;
  runc: Runc;
  /** k8s-file log of the container's stdout and stderr. */
  logPath: string;
  /** conmon writes the exit code to <exitDir>/<id>; a stale file from an earlier run is removed first. */
  exitDir: string;
  /** conmon's per-container directory: it writes `exit` (and `oom` on an OOM kill) there; conmon.log is ours. */
  persistDir: string;
  /** Where runc writes the container's init pid. */
  pidFile: string;
  conmonPidFile: string;
  /** Keep the container's stdin open behind conmon's attach socket (<bundle>/attach, SOCK_SEQPACKET). */
  stdin?: boolean;
  /** The spec has process.terminal: conmon makes the console socket. */
  terminal?: boolean;
  /** Rotate the log beyond this many bytes (conmon truncates it by renaming a fresh file over it). */
  logSizeMax?: number;
  /** The conmon binary; default "conmon" from PATH. */
  conmonBinary?: string;
  /** Give up waiting for conmon after this long; default 30 s. */
  timeoutMs?: number;
}

/** The conmon command line for `opts`; exported so tests and `--debug` output can show it. */
export function conmonArgs(opts: ConmonCreateOptions): string[] {
  const args = ['--api-version', '1', '-c', opts.id, '-u', opts.id, '-n', opts.id, '-r', opts.runc.binary];
  args.push('-b', opts.bundle, '-p', opts.pidFile, '-P', opts.conmonPidFile, '-l', `k8s-file:${opts.logPath}`);
  args.push('--exit-dir', opts.exitDir, '--persist-dir', opts.persistDir, '--full-attach');
  args.push('--runtime-arg', `--root=${opts.runc.root}`, '--runtime-arg', '--log-format=json');
  if (opts.logSizeMax && opts.logSizeMax > 0) args.push('--log-size-max', String(opts.logSizeMax));
  if (opts.terminal) args.push('-t');
  else if (opts.stdin) args.push('-i');
  return args;
}

/**
 * Resolves once `runc create` succeeded, with the container's init pid and conmon's pid. Throws EngineError:
 * `invalid` when the command cannot be executed (ENGINE_EXEC_NOT_FOUND, ENGINE_EXEC_PERMISSION; Docker maps
 * these to exit codes 127 and 126), `internal` (ENGINE_CREATE_FAILED) for any other failure, with runc's words.
 */
export async function createWithConmon(opts: ConmonCreateOptions): Promise<{ pid: number; conmonPid: number }> {
  for (const dir of [
    opts.exitDir,
    opts.persistDir,
    dirname(opts.logPath),
    dirname(opts.pidFile),
    dirname(opts.conmonPidFile),
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const stale of [join(opts.exitDir, opts.id), opts.pidFile, opts.conmonPidFile]) rmSync(stale, { force: true });
  const conmonLog = join(opts.persistDir, 'conmon.log');
  const stderr = openSync(conmonLog, 'a');
  // Detached and with no pipe of ours on 0-2: conmon must survive berthd, and a closed pipe would SIGPIPE it.
  // cwd is the bundle: conmon also drops an `oom` file in its working directory, as CRI-O expects.
  const child = spawn(opts.conmonBinary ?? 'conmon', conmonArgs(opts), {
    cwd: opts.bundle,
    detached: true,
    stdio: ['ignore', 'ignore', stderr, 'pipe'],
    env: { ...process.env, _OCI_SYNCPIPE: '3' },
  });
  closeSync(stderr);
  child.unref();
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new EngineError('unavailable', 'ENGINE_TOOL_MISSING', `cannot run conmon: ${e.code ?? e.message}`, {
          hint: 'install conmon',
        }),
      ),
    ),
  );
  const sync = child.stdio[3] as Readable;
  const ms = opts.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new EngineError('internal', 'ENGINE_CREATE_FAILED', `conmon did not report within ${ms} ms`)),
      ms,
    );
  });
  let reply: { data: number; message?: string } | undefined;
  try {
    reply = await Promise.race([readSyncReply(sync), spawnError, timedOut]);
  } finally {
    clearTimeout(timer);
    sync.destroy();
  }
  if (!reply || reply.data <= 0) {
    const why = reply?.message ? runcMessage(reply.message) : lastLines(conmonLog) || 'conmon exited without reporting';
    throw createError(opts.id, why);
  }
  return { pid: reply.data, conmonPid: await readPid(opts.conmonPidFile) };
}

// conmon writes one JSON object, {"data": <pid>} or {"data": -1, "message": "..."}; EOF first means it died.
async function readSyncReply(sync: Readable): Promise<{ data: number; message?: string } | undefined> {
  let text = '';
  for await (const chunk of sync) {
    text += String(chunk);
    try {
      return JSON.parse(text) as { data: number; message?: string };
    } catch {
      // not complete yet
    }
  }
  return undefined;
}

function createError(id: string, why: string): EngineError {
  const message = `creating container ${id} failed: ${why}`;
  if (/executable file not found|no such file or directory/i.test(why))
    return new EngineError('invalid', 'ENGINE_EXEC_NOT_FOUND', message);
  if (/permission denied/i.test(why)) return new EngineError('invalid', 'ENGINE_EXEC_PERMISSION', message);
  return new EngineError('internal', 'ENGINE_CREATE_FAILED', message);
}

// conmon writes its pid file right after daemonizing, which is before it reports the container pid.
async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const pid = Number.parseInt(readOr(file, ''), 10);
    if (pid > 0) return pid;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new EngineError('internal', 'ENGINE_CREATE_FAILED', `conmon wrote no pid file at ${file}`);
}

function lastLines(file: string): string {
  return readOr(file, '').trim().split('\n').slice(-3).join('; ');
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
