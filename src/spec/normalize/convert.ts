// Small conversions shared by the normalizers: list-or-map to a map, string-or-list to a list, scalars to text.
import { parseKeyValueList } from '../syntax/key-value.js';
import type { Tree } from '../tree.js';
import { isList, isMap } from '../tree.js';

/** Compose prints scalar values of environment and labels as strings: 1 -> "1", true -> "true". */
export function text(v: Tree | undefined): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `["A=b", "C"]` or `{A: b, C: null}` to a map; null values stay null (the caller decides what they mean). */
export function toNullableMap(v: Tree | undefined, sep = '='): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (isList(v)) for (const [k, val] of parseKeyValueList(v.map(text), sep)) out[k] = val;
  else if (isMap(v)) for (const k of Object.keys(v)) out[k] = v[k] === null ? null : text(v[k]);
  return out;
}

/** Like toNullableMap, with null as "" (labels, annotations, sysctls). */
export function toStringMap(v: Tree | undefined, sep = '='): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(toNullableMap(v, sep))) out[k] = val ?? '';
  return out;
}

export function toList(v: Tree | undefined): string[] {
  if (v === undefined || v === null) return [];
  return isList(v) ? v.map(text) : [text(v)];
}

/** A plain deep copy (no positions), for values kept as written. */
export function plain(v: Tree | undefined): unknown {
  if (isList(v)) return v.map(plain);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plain(v[k]);
    return out;
  }
  return v;
}

/**
 * A command or entrypoint string split like a POSIX shell (mattn/go-shellwords, which compose-go uses):
 * quotes group, backslash escapes; no variables, globs or operators.
 */
export function splitShellWords(s: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1] as string)) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}
