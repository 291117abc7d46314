// Physical lines to logical instruction lines, as buildkit's parser.Parse reads them: comments dropped,
// escape-continued lines joined (comment and blank lines inside a continuation skipped), heredoc bodies read raw.
import { readDirective, type DirectiveState } from './directives.js';
import { trimLeftSpace } from './text.js';
import type { SourcePos } from './types.js';

/** One instruction's text, continuations joined; `at` is its keyword, `endLine` its last physical line. */
export interface LogicalLine {
  text: string;
  at: SourcePos;
  endLine: number;
}

/** Reads a Dockerfile forward. `readHeredoc` consumes body lines up to the terminator, or returns undefined at EOF. */
export interface LineReader {
  next(): LogicalLine | undefined;
  readHeredoc(name: string, chomp: boolean): string | undefined;
  /** The last physical line consumed (1-based). */
  lastLine(): number;
}

export function createLineReader(text: string, file: string, directives: DirectiveState): LineReader {
  const lines = text.replace(/^\uFEFF/, '').match(/[^\n]*\n|[^\n]+$/g) ?? [];
  let index = 0;
  const continuation = (): RegExp => {
    const e = directives.escape === '\\' ? '\\\\' : '`';
    // Ends in the escape token (spaces after it allowed) not itself escaped, or is only the token.
    return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  };

  function next(): LogicalLine | undefined {
    while (index < lines.length) {
      const raw = trimNewline(lines[index]!);
      const lineNo = ++index;
      const token = trimLeftSpace(raw);
      readDirective(directives, token, { file, line: lineNo });
      const body = token.startsWith('#') ? '' : token;
      let [text, ended] = trimContinuation(body, continuation());
      if (ended && text === '') continue;
      while (!ended && index < lines.length) {
        const piece = trimNewline(lines[index]!);
        readDirective(directives, piece, { file, line: ++index });
        const bare = trimLeftSpace(piece);
        if (bare.startsWith('#') || bare === '') continue;
        const [more, end] = trimContinuation(piece, continuation());
        text += more;
        ended = end;
      }
      return { text, at: { line: lineNo, column: raw.length - token.length + 1 }, endLine: index };
    }
    return undefined;
  }

  function readHeredoc(name: string, chomp: boolean): string | undefined {
    let content = '';
    while (index < lines.length) {
      const raw = lines[index++]!;
      const candidate = chomp ? trimNewline(raw).replace(/^\t+/, '') : trimNewline(raw);
      if (candidate === name) return content;
      content += raw;
    }
    return undefined;
  }

  return { next, readHeredoc, lastLine: () => index };
}

function trimNewline(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

function trimContinuation(line: string, re: RegExp): [string, boolean] {
  return re.test(line) ? [line.replace(re, '$1'), false] : [line, true];
}
