// Starts a container that `runc create` left waiting, as `runc start` does (libcontainer's exec()), without a
// runc process (~10-15 ms a start). runc's init, once set up, blocks opening <runc root>/<id>/exec.fifo for
// writing; a start opens it for reading, reads the byte init writes, reads on to end of file (the exec closes
// init's end: O_CLOEXEC), and removes the fifo, which is how runc tells a created container from a running one.
// This leans on a runc internal that has not changed from 1.0 to 1.2; whenever its files are not as expected the
// caller runs `runc start` instead, so the result is never worse than runc's own.
import { constants, openSync, readSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { readProcStat } from './process-signal.js';
import { initProcess, readRuncStateFile } from './runc-state-file.js';

/** How often a start that waits on the fifo checks that init is still alive (runc checks every 100 ms). */
const WATCH_MS = 50;

/**
 * `started`: the process runs (exec'd); `unavailable`: no fifo or state to go by (not created by runc, already
 * started, or another runc layout), so the caller must run `runc start`, which gives runc's own answer. Throws
 * Error("container process is already dead") when init died before it could be started, as runc does.
 */
export async function startByExecFifo(stateDir: string): Promise<'started' | 'unavailable'> {
  const fifo = join(stateDir, 'exec.fifo');
  const init = readInit(stateDir);
  if (!init) return 'unavailable';
  let fd: number;
  try {
    // Non-blocking, so the open returns at once; init's blocked open for writing then returns too. A plain fd,
    // not a FileHandle: the socket below owns and closes it.
    fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'unavailable';
    throw e;
  }
  const data = await readToEnd(fd, init);
  if (data === 0) {
    if (!isAlive(init)) throw new Error('container process is already dead');
    // An end of file while init lives: a kernel that reports the hang-up early. `runc start` waits its own way.
    return 'unavailable';
  }
  await unlink(fifo).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e; // a forced delete removed runc's folder meanwhile: the process did start
  });
  return 'started';
}

/**
 * Bytes read from the fifo until init's end closes. It is read through libuv's poll, not a blocking read: the
 * kernel reports no hang-up on a fifo whose reader has not yet seen a writer, so the wait lasts until init has
 * opened, written and exec'd. Should init die first (killed before the start), nothing would ever come: the
 * watch ends the wait, with 0 bytes.
 */
function readToEnd(fd: number, init: InitProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const fifo = new Socket({ fd, readable: true, writable: false });
    let bytes = 0;
    const watch = setInterval(() => {
      if (isAlive(init)) return;
      // The process may have exec'd, run and been reaped before the poll reported its byte (libuv runs timers
      // before polling): what is still in the pipe counts too.
      bytes += drain(fd);
      fifo.destroy();
    }, WATCH_MS);
    const done = (): void => {
      clearInterval(watch);
      fifo.destroy();
      resolve(bytes);
    };
    fifo.on('data', (b: Buffer) => (bytes += b.length));
    fifo.once('end', done);
    fifo.once('close', done);
    fifo.once('error', (e) => {
      clearInterval(watch);
      fifo.destroy();
      reject(e);
    });
  });
}

// Reads what is left in the fifo without waiting (its fd is non-blocking): 0 at end of file or when empty.
function drain(fd: number): number {
  try {
    return readSync(fd, Buffer.alloc(16));
  } catch {
    return 0; // EAGAIN: nothing there
  }
}

type InitProcess = NonNullable<ReturnType<typeof initProcess>>;

// runc's state.json (libcontainer's State): init_process_pid and init_process_start.
function readInit(stateDir: string): InitProcess | undefined {
  const state = readRuncStateFile(stateDir);
  return state === undefined ? undefined : initProcess(state);
}

/** Whether init still runs: the same start time (a reused pid is not init) and neither a zombie nor dead. */
function isAlive(init: InitProcess): boolean {
  const stat = readProcStat(init.pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.startTime === init.start;
}
