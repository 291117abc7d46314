// Flags of each instruction and their parsing, as buildkit's BFlags: unknown, duplicate and value errors.
import { failAt, type ErrorSite } from './errors.js';
import { closestMatch } from './suggest.js';
import type { FlagList, Flags } from './types.js';

type FlagType = 'string' | 'bool' | 'strings';

// The flags of the Dockerfile reference (frontend dockerfile:1). `strings` flags may repeat.
const FLAG_SPECS: Readonly<Record<string, Readonly<Record<string, FlagType>>>> = {
  FROM: { platform: 'string' },
  RUN: { mount: 'strings', network: 'string', security: 'string', device: 'strings' },
  COPY: { from: 'string', chown: 'string', chmod: 'string', link: 'bool', parents: 'bool', exclude: 'strings' },
  ADD: {
    chown: 'string',
    chmod: 'string',
    link: 'bool',
    'keep-git-dir': 'bool',
    checksum: 'string',
    exclude: 'strings',
    unpack: 'bool',
  },
  HEALTHCHECK: {
    interval: 'string',
    timeout: 'string',
    'start-period': 'string',
    'start-interval': 'string',
    retries: 'string',
  },
};

/** The parsed flags of one instruction: last value per name in `flags`, every value in order in `flagList`. */
export interface ParsedFlags {
  flags: Flags;
  flagList: FlagList;
}

/** Parse `--name[=value]` words for instruction `kind`; any flag an instruction does not take is an error. */
export function parseFlags(words: readonly string[], kind: string, site: ErrorSite): ParsedFlags {
  const spec = FLAG_SPECS[kind] ?? {};
  const flags: Flags = {};
  const flagList: FlagList = [];
  const used = new Set<string>();
  for (const word of words) {
    const body = word.slice(2);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const type = spec[name];
    if (type === undefined) failAt(site, `unknown flag: ${name}`, unknownFlagHint(kind, name, Object.keys(spec)));
    if (used.has(name) && type !== 'strings') {
      failAt(site, `duplicate flag specified: ${name}`, `give --${name} once`);
    }
    used.add(name);
    const value = eq < 0 ? undefined : body.slice(eq + 1);
    const parsed = type === 'bool' ? boolValue(name, value, site) : requireValue(name, value, site);
    flagList.push({ name, value: parsed });
    if (parsed === 'false' && type === 'bool') delete flags[name];
    else flags[name] = parsed;
  }
  return { flags, flagList };
}

/** The values of a repeatable flag, in order. */
export function flagValues(list: FlagList, name: string): string[] {
  return list.filter((f) => f.name === name).map((f) => String(f.value));
}

function boolValue(name: string, value: string | undefined, site: ErrorSite): true | 'false' {
  if (value === undefined) return true;
  if (value === '') failAt(site, `missing a value on flag: ${name}`, `write --${name} or --${name}=true`);
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return 'false';
  return failAt(
    site,
    `expecting boolean value for flag ${name}, not: ${value}`,
    `write --${name}=true or --${name}=false`,
  );
}

function requireValue(name: string, value: string | undefined, site: ErrorSite): string {
  if (value === undefined) failAt(site, `missing a value on flag: ${name}`, `write --${name}=<value>`);
  return value;
}

function unknownFlagHint(kind: string, name: string, known: string[]): string {
  if (known.length === 0) return `${kind} takes no flags`;
  const near = closestMatch(name, known);
  if (near !== undefined) return `did you mean --${near}?`;
  return `${kind} takes ${known.map((k) => `--${k}`).join(', ')}`;
}
