// The README's runnable examples as data: each ```sh block that calls `berth`, split into command lines, with the
// `<!-- readme-test: skip (why) -->` comment that may stand before it. Pure; readme-commands.test.ts runs them.

/** One command line of a block, its `# comment` removed. */
export interface ReadmeCommand {
  text: string;
  /** 1-based line in README.md. */
  line: number;
  /** The comment tells the reader to stop it with Ctrl-C: run it for a while, then send SIGINT. */
  interrupt: boolean;
}

export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  commands: ReadmeCommand[];
  /** Why the block cannot run here, from its readme-test comment; undefined when it runs. */
  skip?: string;
}

const SKIP = /^<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->$/;

/** The ```sh blocks of `readme` that have a command line calling berth (`berth ...` or `VAR=x berth ...`). */
export function readmeBlocks(readme: string): ReadmeBlock[] {
  const lines = readme.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```sh') continue;
    const skip = SKIP.exec(lines[i - 1]?.trim() ?? '')?.[1];
    const commands: ReadmeCommand[] = [];
    const start = i;
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) {
      const { code, comment } = splitComment(lines[i] as string);
      if (code.trim() === '') continue;
      commands.push({ text: code.trim(), line: i + 1, interrupt: comment.includes('Ctrl-C') });
    }
    if (commands.some((c) => /^([A-Z_][A-Z0-9_]*=\S*\s+)*berth(\s|$)/.test(c.text))) {
      blocks.push({ line: start + 1, commands, ...(skip ? { skip } : {}) });
    }
  }
  return blocks;
}

/** The shell line and its comment: a `#` that starts a word outside quotes begins the comment. */
export function splitComment(line: string): { code: string; comment: string } {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i++;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] as string))) {
      return { code: line.slice(0, i), comment: line.slice(i + 1) };
    }
  }
  return { code: line, comment: '' };
}
