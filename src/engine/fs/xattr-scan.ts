// The extended attributes of a whole tree, read by one getfattr process: Node's fs has no listxattr, and one
// process walking 40,000 files costs what one lstat each does, on the other core while the caller walks too.
import { runTool } from '../runtime/run-tool.js';

/**
 * Every extended attribute under `root` (itself included, as ''), by path relative to it ('/'-separated) and then
 * by name, with its value. Symlinks are not followed. `complete` is false when getfattr reported an error (a
 * file it could not read, or a path that went away): the map is then what it could read.
 */
export interface XattrScan {
  byPath: Map<string, Map<string, Buffer>>;
  complete: boolean;
}

/** Scans `root` (absolute, with no trailing slash). */
export async function scanXattrs(root: string): Promise<XattrScan> {
  // -h: a symlink's own attributes (a dangling one is an error otherwise); -m -: every namespace (only user.* by
  // default); -e hex: values whatever their bytes.
  const r = await runTool('getfattr', ['-R', '-P', '-h', '--absolute-names', '-d', '-m', '-', '-e', 'hex', root]);
  return { byPath: parseGetfattr(r.stdout, root), complete: r.code === 0 };
}

/** getfattr's dump ("# file: PATH" then NAME=0xHEX lines) as a map; paths outside `root` are left out. */
export function parseGetfattr(dump: string, root: string): Map<string, Map<string, Buffer>> {
  const out = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of dump.split('\n')) {
    if (line.startsWith('# file: ')) {
      const file = unescapeName(line.slice(8));
      const rel = file === root ? '' : file.startsWith(`${root}/`) ? file.slice(root.length + 1) : undefined;
      current = rel === undefined ? undefined : new Map();
      if (rel !== undefined && current !== undefined) out.set(rel, current);
      continue;
    }
    if (current === undefined || line === '') continue;
    // An empty value is shown as the name alone.
    const eq = line.indexOf('=');
    const name = unescapeName(eq < 0 ? line : line.slice(0, eq));
    current.set(name, Buffer.from(eq < 0 ? '' : line.slice(eq + 1).replace(/^0x/, ''), 'hex'));
  }
  return out;
}

/** getfattr escapes unusual bytes in names as \ooo octal; the bytes are UTF-8 (a name made of several). */
export function unescapeName(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: Buffer[] = [];
  for (const part of s.split(/(\\[0-7]{3})/)) {
    if (/^\\[0-7]{3}$/.test(part)) bytes.push(Buffer.from([Number.parseInt(part.slice(1), 8)]));
    else bytes.push(Buffer.from(part, 'utf8'));
  }
  return Buffer.concat(bytes).toString('utf8');
}
