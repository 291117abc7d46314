// The API socket is root's door to running anything as root: only its owner may reach it, from the moment it
// exists. The folder must not let anyone else swap the socket or its name, and the socket is created with its
// final mode (umask around bind) rather than chmod-ed after listen, which left it open to all for a moment.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:net';
import { dirname } from 'node:path';
import { EngineError } from '../errors.js';

/** Bits a socket folder must not have: writable by group or others (they could replace the socket). */
const UNSAFE_DIR_BITS = 0o022;

/**
 * Creates the socket's folder (0700) when missing; refuses an existing one that another user owns or that group
 * or others can write (ENGINE_SOCKET_DIR_UNSAFE), and anything at the socket path that is a folder.
 */
export function prepareSocketDir(socketPath: string): void {
  const dir = dirname(socketPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  const uid = process.getuid?.() ?? st.uid;
  if (st.uid !== uid || (st.mode & UNSAFE_DIR_BITS) !== 0) {
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    const who = st.uid !== uid ? `is owned by uid ${st.uid}` : `can be written by others (mode ${mode})`;
    throw new EngineError('invalid', 'ENGINE_SOCKET_DIR_UNSAFE', `the API socket's folder ${dir} ${who}`, {
      hint: `put the socket (BERTH_SOCKET) in a folder only uid ${uid} can write, such as /run/berth`,
    });
  }
  rmSync(socketPath, { force: true });
}

/** Listens on `socketPath` with mode 0600 from the moment the socket file is made. */
export async function listenPrivately(server: Server, socketPath: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // bind() runs synchronously inside listen(), so the umask covers exactly the socket's creation and no other
    // file this process makes.
    const previous = process.umask(0o177);
    try {
      server.listen(socketPath, () => resolve());
    } finally {
      process.umask(previous);
    }
  });
}
