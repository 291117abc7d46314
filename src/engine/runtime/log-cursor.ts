// Reads a growing log file line by line, surviving rotation: past --log-size-max (or on berthd's reopen request
// after it moved the file to `.1`) conmon renames a fresh file over the log (a new inode), and a log can also be
// truncated in place. Bytes are split on '\n' before
// decoding, so a multi-byte character cut by a read is never garbled.
import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** A position in one log file. `next()` returns complete lines only; a trailing fragment waits for its '\n'. */
export class LogCursor {
  private readonly path: string;
  private handle: FileHandle | undefined;
  private ino = -1;
  private position = 0;
  private rest: Buffer = Buffer.alloc(0);

  constructor(path: string) {
    this.path = path;
  }

  /** The inode of the open file, or -1 when none is open. */
  get inode(): number {
    return this.handle ? this.ino : -1;
  }

  /** Opens the file if it exists now; false when it does not (yet). `atEnd` skips what is already there. */
  async open(atEnd = false): Promise<boolean> {
    if (this.handle) return true;
    try {
      this.handle = await open(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    const st = await this.handle.stat();
    this.ino = st.ino;
    this.position = atEnd ? st.size : 0;
    this.rest = Buffer.alloc(0);
    return true;
  }

  /** Every complete line written since the last call (possibly none). */
  async next(): Promise<string[]> {
    if (!this.handle && !(await this.open())) return [];
    const lines = await this.drain();
    const rotated = await this.checkRotation();
    // A rename happens after conmon closed the old file: what it wrote last is read before moving on.
    if (rotated) lines.push(...(await this.drain()), ...(await this.reopen()));
    return lines;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }

  private async drain(): Promise<string[]> {
    const handle = this.handle;
    if (!handle) return [];
    const chunks: Buffer[] = [this.rest];
    for (;;) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await handle.read(buf, 0, CHUNK, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      chunks.push(buf.subarray(0, bytesRead));
    }
    const all = Buffer.concat(chunks);
    const lastNewline = all.lastIndexOf(0x0a);
    this.rest = all.subarray(lastNewline + 1);
    if (lastNewline < 0) return [];
    return all.subarray(0, lastNewline).toString('utf8').split('\n');
  }

  // 'renamed' when the path now names another file; a truncated file is read again from its start.
  private async checkRotation(): Promise<boolean> {
    let st;
    try {
      st = await stat(this.path);
    } catch {
      return false; // gone for a moment between conmon's close and rename
    }
    if (st.ino !== this.ino) return true;
    if (st.size < this.position) {
      this.position = 0;
      this.rest = Buffer.alloc(0);
    }
    return false;
  }

  private async reopen(): Promise<string[]> {
    await this.close();
    if (!(await this.open())) return [];
    return this.drain();
  }
}
