// The FROM lines of a Dockerfile, as both the CLI (what a build's bases are, for the lock and for bootstrapping
// Debian bases) and berthd can read them without the full parser: every stage, ARGs before the first FROM expanded
// ($X, ${X}, ${X:-default}, ${X:+alt}) with the given build args winning over their defaults, as Docker does.

/** One FROM: the reference after expansion, the stage name it opens (lower case), the stage's index. */
export interface FromLine {
  ref: string;
  stage?: string;
  index: number;
  platform?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every FROM of `dockerfile`, in order, with references expanded. */
export function readFromLines(dockerfile: string, args: Readonly<Record<string, string>> = {}): FromLine[] {
  const globals: Record<string, string> = {};
  const out: FromLine[] = [];
  for (const line of logicalLines(dockerfile)) {
    const [keyword = '', ...words] = line.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && out.length === 0) {
      for (const word of words) {
        const eq = word.indexOf('=');
        const name = eq < 0 ? word : word.slice(0, eq);
        if (!NAME.test(name)) continue;
        const given = args[name];
        const fallback = eq < 0 ? undefined : expand(unquote(word.slice(eq + 1)), globals);
        const value = given ?? fallback;
        if (value !== undefined) globals[name] = value;
      }
    }
    if (upper !== 'FROM') continue;
    const flags = words.filter((w) => w.startsWith('--'));
    const rest = words.filter((w) => !w.startsWith('--'));
    const platform = flags.find((f) => f.startsWith('--platform='))?.slice('--platform='.length);
    const stage = rest[1]?.toUpperCase() === 'AS' && rest[2] !== undefined ? rest[2].toLowerCase() : undefined;
    out.push({
      ref: expand(rest[0] ?? '', globals),
      index: out.length,
      ...(stage !== undefined ? { stage } : {}),
      ...(platform !== undefined ? { platform: expand(platform, globals) } : {}),
    });
  }
  return out;
}

/** The images a Dockerfile builds FROM (stage names, scratch and empty references left out), each once, in order. */
export function fromImages(dockerfile: string, args: Readonly<Record<string, string>> = {}): string[] {
  const lines = readFromLines(dockerfile, args);
  const out: string[] = [];
  for (const line of lines) {
    const earlierStage = lines.some((l) => l.index < line.index && l.stage === line.ref.toLowerCase());
    if (line.ref === '' || line.ref.toLowerCase() === 'scratch' || earlierStage || /^\d+$/.test(line.ref)) continue;
    if (!out.includes(line.ref)) out.push(line.ref);
  }
  return out;
}

/** Lines joined over `\` continuations, comments and blank lines dropped, heredoc bodies not special-cased. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    out.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending.trim() !== '') out.push(pending.trim());
  return out;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

function expand(word: string, vars: Readonly<Record<string, string>>): string {
  return word.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced: string | undefined, op: string | undefined, alt: string | undefined, bare: string | undefined) => {
      const value = vars[(braced ?? bare) as string];
      if (op === '-') return value === undefined || value === '' ? (alt ?? '') : value;
      if (op === '+') return value === undefined || value === '' ? '' : (alt ?? '');
      return value ?? '';
    },
  );
}
