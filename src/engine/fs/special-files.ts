// What Node's fs cannot do: device nodes (overlayfs whiteouts are 0/0 character devices) and trusted xattrs
// (opaque folders). Both go through the standard tools: mknod from coreutils, setfattr from the `attr` package.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EngineError } from '../errors.js';

const run = promisify(execFile);

/** A device or fifo to create: `c`/`b` with major and minor numbers, or `p`. */
export type NodeKind = { type: 'c' | 'b'; major: number; minor: number } | { type: 'p' };

export async function makeNode(path: string, node: NodeKind): Promise<void> {
  const args = node.type === 'p' ? [path, 'p'] : [path, node.type, String(node.major), String(node.minor)];
  await runTool('mknod', args, 'coreutils');
}

/** Marks a folder opaque for overlayfs: the lower layers' content of that folder is hidden. */
export async function markOpaque(dir: string): Promise<void> {
  await runTool('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', dir], 'attr');
}

async function runTool(tool: string, args: string[], aptPackage: string): Promise<void> {
  try {
    await run(tool, args);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new EngineError('unavailable', 'ENGINE_TOOL_MISSING', `"${tool}" is not installed`, {
        hint: `install the "${aptPackage}" package (apt-get install ${aptPackage})`,
        cause: e,
      });
    }
    throw new EngineError(
      'internal',
      'ENGINE_TOOL_FAILED',
      `${tool} ${args.join(' ')}: ${err.stderr?.trim() ?? err.message}`,
      {
        cause: e,
      },
    );
  }
}
