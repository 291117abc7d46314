// A step's upper folder made into the layer store's unpacked form of the tar written from it, so that the layer
// store can take the folder by one rename instead of unpacking or linking 40,000 files (issue 14). The folder
// already is nearly that form (overlayfs whiteouts and opaque folders are the layer store's own); what differs is
// what the tar leaves out: the runtime's mount points and sockets (removed here), extended attributes other than
// the opaque marker (removed here), file times (set by the writer to the tar's fixed time as it writes each
// entry), the root folder's owner and mode, and whiteouts' mode (0, as overlayfs and the extraction make them).
import { chmodSync, lchownSync, lstatSync, rmSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, posix } from 'node:path';
import type { XattrScan } from '../fs/xattr-scan.js';
import { runTool } from '../runtime/run-tool.js';

/** One entry of the walked folder, as the writer walked it. */
export interface UpperNode {
  path: string; // relative, '/'-separated
  stat: Stats;
  children?: UpperNode[];
}

/** The opaque marker overlayfs and the extraction put on a folder; the only attribute a layer keeps. */
export const OPAQUE_XATTR = 'trusted.overlay.opaque';
/** Paths per setfattr call: far below the kernel's limit on the size of argv. */
const PATHS_PER_CALL = 500;

/** The folders whose opaque marker the tar carries (value "y"). */
export function opaqueFoldersOf(scan: XattrScan): Set<string> {
  const out = new Set<string>();
  for (const [path, attrs] of scan.byPath)
    if (attrs.get(OPAQUE_XATTR)?.toString() === 'y' && path !== '') out.add(path);
  return out;
}

/**
 * Prepares `upper` to become the unpacked layer of the tar about to be written from `kept` (the writer's entries,
 * in order, out of the walked `tree`): the folder is given up by its owner and nothing else writes it. Returns
 * false, having perhaps changed the folder but never what the tar holds, when it cannot be made exactly that
 * unpack: the writer then leaves the folder alone and the layer store unpacks the tar.
 */
export async function settleUpper(
  upper: string,
  walked: { tree: readonly UpperNode[]; kept: readonly UpperNode[]; xattrs: XattrScan },
): Promise<boolean> {
  const { tree, kept, xattrs } = walked;
  if (!xattrs.complete) return false;
  // A file named .wh.* would be unpacked as a whiteout (or ignored), not as itself.
  if (kept.some((n) => posix.basename(n.path).startsWith('.wh.'))) return false;
  const keptPaths = new Set(kept.filter((n) => !n.stat.isSocket()).map((n) => n.path));
  for (const path of droppedPaths(tree, keptPaths)) rmSync(join(upper, path), { recursive: true, force: true });
  const stats = new Map<string, Stats>(kept.map((n) => [n.path, n.stat]));
  stats.set('', lstatSync(upper));
  if (!(await stripXattrs(upper, { xattrs, stats, opaque: opaqueFoldersOf(xattrs) }))) return false;
  // The root: as the extraction makes it, a folder of berthd's owner with mode 0755 (the tar has no entry for it).
  lchownSync(upper, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
  chmodSync(upper, 0o755);
  for (const n of kept) {
    if (n.stat.isCharacterDevice() && n.stat.rdev === 0 && (n.stat.mode & 0o7777) !== 0) {
      chmodSync(join(upper, n.path), 0); // a whiteout: lstat said so, and no one else writes the folder
    }
  }
  return true;
}

/** The walked paths the tar leaves out (pruned mount points, sockets), the highest of each subtree only. */
function droppedPaths(tree: readonly UpperNode[], kept: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const node of tree) {
    if (!kept.has(node.path)) out.push(node.path);
    else if (node.children !== undefined) out.push(...droppedPaths(node.children, kept));
  }
  return out;
}

/**
 * Removes every extended attribute but the opaque marker of the folders the tar marks opaque: the tar carries no
 * other (security.capability, overlayfs's origin, impure and redirect, ACLs), so the unpack has none. One setfattr
 * per attribute name and up to PATHS_PER_CALL paths; a hard link's other names share its inode and are skipped.
 */
async function stripXattrs(
  upper: string,
  at: { xattrs: XattrScan; stats: ReadonlyMap<string, Stats>; opaque: ReadonlySet<string> },
): Promise<boolean> {
  const byName = new Map<string, string[]>();
  const inodes = new Set<string>();
  for (const [path, attrs] of at.xattrs.byPath) {
    const stat = at.stats.get(path);
    if (stat === undefined) continue; // dropped: removed above
    const inode = `${stat.dev}:${stat.ino}`;
    if (inodes.has(inode)) continue;
    inodes.add(inode);
    for (const name of attrs.keys()) {
      if (name === OPAQUE_XATTR && at.opaque.has(path)) continue;
      const paths = byName.get(name) ?? [];
      paths.push(path === '' ? upper : join(upper, path));
      byName.set(name, paths);
    }
  }
  for (const [name, paths] of byName) {
    for (let i = 0; i < paths.length; i += PATHS_PER_CALL) {
      const r = await runTool('setfattr', ['-h', '-x', name, '--', ...paths.slice(i, i + PATHS_PER_CALL)]);
      if (r.code !== 0) return false;
    }
  }
  return true;
}
