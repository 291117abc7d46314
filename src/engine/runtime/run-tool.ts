// Runs a host tool (runc, mount, umount) to completion and hands back its exit code and output; callers decide
// what a failure means. A tool that cannot be started at all is an EngineError `unavailable`.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { EngineError } from '../errors.js';

/** The outcome of one tool run. `code` is the exit status, or 128+n when the tool died of signal n. */
export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  cwd?: string;
  /** Written to the tool's stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
}

export function runTool(binary: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, {
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new EngineError('unavailable', 'ENGINE_TOOL_MISSING', `cannot run "${binary}": ${e.code ?? e.message}`, {
          hint: `install ${binary.split('/').pop() ?? binary} on the host running berthd`,
          cause: e,
        }),
      );
    });
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? 128 + signalNumber(signal),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? ((constants.signals as Record<string, number>)[signal] ?? 0) : 0;
}
