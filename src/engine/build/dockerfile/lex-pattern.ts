// Shell patterns of ${VAR#p} ${VAR%p} ${VAR/p/r}, converted to regular expressions as buildkit's shell/lex.go does:
// only `*` and `?` are wildcards (no [classes]); `\*` `\?` `\\` are literal; `\}` and `\/` drop the backslash.

/** The pattern as a RegExp source; `*` is greedy or shortest-match, optionally anchored at the start. */
export function patternToRegExp(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  const chars = Array.from(pattern);
  let out = anchored ? '^' : '';
  for (let i = 0; i < chars.length; i++) {
    let ch = chars[i]!;
    if (ch === '*') {
      out += greedy ? '.*' : '.*?';
      continue;
    }
    if (ch === '?') {
      out += '.';
      continue;
    }
    if (ch === '\\') {
      const nextCh = chars[i + 1];
      if (nextCh === '}' || nextCh === '/') continue;
      i++;
      if (nextCh !== '*' && nextCh !== '?' && nextCh !== '\\') throw new Error(`invalid escape '\\${nextCh ?? ''}'`);
      ch = nextCh;
      out += '\\';
    } else if ('[]{}.+()|^$'.includes(ch)) {
      out += '\\';
    }
    out += ch;
  }
  return new RegExp(out, 'u');
}

/** `${VAR#p}` / `${VAR##p}`: remove the shortest (or longest) prefix matching the pattern. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternToRegExp(pattern, greedy, true).exec(value);
  return m === null || m[0] === '' ? value : value.slice(m[0].length);
}

/** `${VAR%p}` / `${VAR%%p}`: as buildkit, match the reversed pattern against the reversed value. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const reversed = trimPrefix(reversePattern(pattern), Array.from(value).reverse().join(''), greedy);
  return Array.from(reversed).reverse().join('');
}

/** `${VAR/p/r}` (first match) and `${VAR//p/r}` (all); `r` follows Go's Regexp.Expand ($$, $0, ${0}). */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): string {
  const re = patternToRegExp(pattern, true, false);
  const expand = (match: string): string => expandTemplate(replacement, match);
  if (!all) return value.replace(re, expand);
  return value.replace(new RegExp(re.source, 'gu'), expand);
}

function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array<string>(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    const ch = chars[i]!;
    // An escape pair keeps its order so `\*` stays an escaped star once reversed.
    if (ch === '\\' && i !== last) {
      out[last - i - 1] = ch;
      out[last - i] = chars[i + 1]!;
      i += 2;
    } else {
      out[last - i] = ch;
      i++;
    }
  }
  return out.join('');
}

// Go's template expansion: the regexp has no groups, so $0 / ${0} is the match and any other name is empty.
function expandTemplate(template: string, match: string): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (all, _x, braced, bare) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string;
    return /^[0-9]+$/.test(name) && Number(name) === 0 ? match : '';
  });
}
