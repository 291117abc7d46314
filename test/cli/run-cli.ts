// Runs berth's CLI in-process with a captured context, and makes throwaway project folders for it.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { cwd: string; env?: Record<string, string>; stdin?: string; signal?: AbortSignal },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd: opts.cwd,
    env: { HOME: '/root', ...opts.env },
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: () => opts.stdin ?? '',
    signal: opts.signal,
  });
  return { code, stdout, stderr };
}

/** A temporary project folder with these files; removed by the returned disposer. */
export function projectDir(files: Record<string, string | Buffer>, name = 'proj'): { dir: string } & Disposable {
  const root = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}
