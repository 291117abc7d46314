// What a process "does" in the in-memory engine: a tiny interpreter of the commands tests give busybox
// containers, so a fake container behaves as the real one would for the cases tests rely on. `sh -c` scripts of
// `;`/`&&`-separated statements, and plain commands: echo (with `>&2`), printf of a plain string, cat FILE,
// exit N, true, false. Anything else (sleep, httpd, top, an interactive sh) keeps running until it is stopped,
// killed or ended by the test (`engine.exit`). Pure: the caller applies the outcome.
import type { LogChunk } from '../types.js';
import type { MemoryFile } from './state.js';

/** What running a command gives: its output in order, and its exit code, or `undefined` while it runs on. */
export interface ProcessOutcome {
  output: LogChunk[];
  exitCode: number | undefined;
}

/** Runs `argv` against a container's files; `stdinOpen` keeps a bare shell running as `docker run -i` does. */
export function runCommand(
  argv: readonly string[],
  files: ReadonlyMap<string, MemoryFile>,
  stdinOpen = false,
): ProcessOutcome {
  const [first, ...rest] = argv;
  if (first === undefined) return { output: [], exitCode: 0 };
  const prog = basename(first);
  if (prog === 'sh' || prog === 'bash') {
    if (rest[0] === '-c' && rest[1] !== undefined) return runScript(rest[1], files);
    // A shell reading an empty, closed stdin ends at once, as busybox's sh under `docker run` without -i.
    return { output: [], exitCode: stdinOpen ? undefined : 0 };
  }
  return runStatement([prog, ...rest], files);
}

function runScript(script: string, files: ReadonlyMap<string, MemoryFile>): ProcessOutcome {
  const output: LogChunk[] = [];
  let last = 0;
  for (const part of script.split(/;|&&|\n/)) {
    const words = splitWords(part);
    if (words.length === 0) continue;
    const r = runStatement(words, files);
    output.push(...r.output);
    if (r.exitCode === undefined || words[0] === 'exit') return { output, exitCode: r.exitCode };
    last = r.exitCode;
  }
  return { output, exitCode: last };
}

function runStatement(words: string[], files: ReadonlyMap<string, MemoryFile>): ProcessOutcome {
  let stream: LogChunk['stream'] = 'stdout';
  const args = words.filter((w) => {
    if (w === '>&2' || w === '1>&2') stream = 'stderr';
    return w !== '>&2' && w !== '1>&2';
  });
  const [prog = '', ...rest] = args;
  const out = (text: string, s = stream): LogChunk[] => (text === '' ? [] : [{ stream: s, data: Buffer.from(text) }]);
  switch (basename(prog)) {
    case 'exit':
      return { output: [], exitCode: Number(rest[0] ?? 0) & 0xff };
    case 'true':
      return { output: [], exitCode: 0 };
    case 'false':
      return { output: [], exitCode: 1 };
    case 'echo':
      return rest[0] === '-n'
        ? { output: out(rest.slice(1).join(' ')), exitCode: 0 }
        : { output: out(`${rest.join(' ')}\n`), exitCode: 0 };
    case 'printf':
      return { output: out((rest[0] ?? '').replace(/\\n/g, '\n')), exitCode: 0 };
    case 'cat': {
      if (rest.length === 0) return { output: [], exitCode: undefined };
      const f = files.get(rest[0] ?? '');
      if (f?.type === 'file') return { output: out(f.content.toString('utf8')), exitCode: 0 };
      return { output: out(`cat: can't open '${rest[0]}': No such file or directory\n`, 'stderr'), exitCode: 1 };
    }
    default:
      return { output: [], exitCode: undefined };
  }
}

/** Shell words: whitespace-separated, with single and double quotes (no escapes, no expansion). */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
