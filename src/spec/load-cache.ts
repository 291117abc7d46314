// loadStack memoized on its inputs, for the common case of a stack that did not change since the last run (a
// 500-service stack takes ~0.7 s to load and ~0.1 s to print; a hit takes a few ms). Pure: the bytes are kept by
// an injected store (src/cli/stack-cache.ts keeps them under the user's cache folder).
//
// Never wrong, because loadStack is a pure function of its input and the entry is checked against all of it:
// - the key is the code's identity and every input but the environment and readExtra: each file's path and text,
//   the project folder, -p, the profiles and the services named;
// - the environment: loadStack reads it through a Proxy that records each name looked up with its value (or its
//   absence); a hit needs the same value for each. If the loader enumerates the environment, the whole of it is
//   kept instead;
// - readExtra (extends, include, env_file): each path read is recorded with its text (or its absence) and read
//   again on a hit.
// All are kept as they are and compared for equality, not hashed: a hit then needs no node:crypto (loading it cost
// `berth ps` ~4 ms), and equal texts are as sure as equal digests. An entry lives in a slot named by the paths and
// options alone (a plain, non-cryptographic hash: two inputs sharing a slot only take turns in it), so editing a
// file overwrites it instead of adding one. Only valid stacks of plain data are kept (v8.serialize gives back plain objects, so a stack with
// another prototype would come back different); anything unreadable in the store is a miss.
import type { Diagnostic } from '../errors.js';
import type { LoadInput, LoadResult } from './load.js';
import { loadStack } from './load.js';
import type { Stack } from './model.js';

/** Where entries live, and how values become bytes (the shell passes v8's structured serialization). */
export interface CacheStore {
  read(slot: string): Uint8Array | undefined;
  write(slot: string, bytes: Uint8Array): void;
  serialize(value: unknown): Uint8Array;
  deserialize(bytes: Uint8Array): unknown;
}

export interface StackCache {
  store: CacheStore;
  /** Changes whenever the code that loads and renders changes (src/cli/stack-cache.ts: the bundle's identity). */
  codeId: string;
}

export interface CachedLoad {
  result: LoadResult;
  /** A text derived from the stack alone (e.g. `config`'s YAML), kept in the entry beside it. */
  output(name: string, render: () => string): string;
  hit: boolean;
}

const FORMAT = 2;

interface Entry {
  format: number;
  key: string;
  env: [string, string | null][];
  /** The whole environment, when the loader enumerated it. */
  allEnv: string | null;
  reads: [string, string | null][];
  warnings: Diagnostic[];
  stack: Uint8Array; // v8.serialize(stack): deserialized only when asked for
  outputs: Record<string, string>;
}

export function loadStackCached(input: LoadInput, cache: StackCache, load = loadStack): CachedLoad {
  const slot = hash([
    FORMAT,
    input.projectDir,
    input.projectName,
    input.profiles,
    input.services,
    ...input.files.map((f) => f.path),
  ]);
  const key = inputKey(input, cache.codeId);
  const entry = readEntry(cache.store, slot, key);
  if (entry && stillValid(entry, input)) {
    let stack: Stack | undefined;
    const result = {
      ok: true as const,
      warnings: entry.warnings,
      get stack(): Stack {
        stack ??= cache.store.deserialize(entry.stack) as Stack;
        return stack;
      },
    };
    return { result, output: outputOf(cache.store, slot, entry), hit: true };
  }
  const recorded = recordingInput(input);
  const result = load(recorded.input);
  if (!result.ok || !plainData(result.stack)) return { result, output: (_, render) => render(), hit: false };
  const fresh: Entry = {
    format: FORMAT,
    key,
    env: [...recorded.env],
    allEnv: recorded.enumerated() ? envText(input.env) : null,
    reads: [...recorded.reads],
    warnings: result.warnings,
    stack: cache.store.serialize(result.stack),
    outputs: {},
  };
  writeEntry(cache.store, slot, fresh);
  return { result, output: outputOf(cache.store, slot, fresh), hit: false };
}

function outputOf(store: CacheStore, slot: string, entry: Entry): CachedLoad['output'] {
  return (name, render) => {
    const kept = entry.outputs[name];
    if (kept !== undefined) return kept;
    const text = render();
    entry.outputs[name] = text;
    writeEntry(store, slot, entry);
    return text;
  };
}

function inputKey(input: LoadInput, codeId: string): string {
  const files = input.files.map((f) => [f.path, f.text]);
  return JSON.stringify([FORMAT, codeId, input.projectDir, input.projectName, input.profiles, input.services, files]);
}

function stillValid(entry: Entry, input: LoadInput): boolean {
  for (const [name, value] of entry.env) if ((input.env[name] ?? null) !== value) return false;
  if (entry.allEnv !== null && entry.allEnv !== envText(input.env)) return false;
  for (const [path, text] of entry.reads) if (textOf(input.readExtra(path)) !== text) return false;
  return true;
}

/** The input with the environment and readExtra wrapped so that what the loader looks at is recorded. */
function recordingInput(input: LoadInput): {
  input: LoadInput;
  env: Map<string, string | null>;
  reads: Map<string, string | null>;
  enumerated: () => boolean;
} {
  const env = new Map<string, string | null>();
  const reads = new Map<string, string | null>();
  let enumerated = false;
  const note = (name: string | symbol): void => {
    if (typeof name === 'string' && !env.has(name)) env.set(name, input.env[name] ?? null);
  };
  const source = input.env as Record<string, string>;
  const proxy = new Proxy(source, {
    get: (t, name) => (note(name), Reflect.get(t, name)),
    has: (t, name) => (note(name), Reflect.has(t, name)),
    getOwnPropertyDescriptor: (t, name) => (note(name), Reflect.getOwnPropertyDescriptor(t, name)),
    ownKeys: (t) => ((enumerated = true), Reflect.ownKeys(t)),
  });
  const readExtra = (path: string): string | undefined => {
    const text = input.readExtra(path);
    if (!reads.has(path)) reads.set(path, textOf(text));
    return text;
  };
  return { input: { ...input, env: proxy, readExtra }, env, reads, enumerated: () => enumerated };
}

function readEntry(store: CacheStore, slot: string, key: string): Entry | undefined {
  try {
    const bytes = store.read(slot);
    if (!bytes) return undefined;
    const e = store.deserialize(bytes) as Entry;
    return e && e.format === FORMAT && e.key === key ? e : undefined;
  } catch {
    return undefined; // torn or foreign bytes: a miss
  }
}

function writeEntry(store: CacheStore, slot: string, entry: Entry): void {
  store.write(slot, store.serialize(entry));
}

/** Objects and arrays with their usual prototypes, and scalars: what v8.deserialize gives back as it was. */
function plainData(v: unknown): boolean {
  if (typeof v === 'function' || typeof v === 'symbol') return false;
  if (typeof v !== 'object' || v === null) return true;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== Array.prototype) return false;
  for (const k in v) if (!plainData((v as Record<string, unknown>)[k])) return false;
  return true;
}

function textOf(text: string | undefined): string | null {
  return text ?? null;
}

function envText(env: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.keys(env)
      .sort()
      .map((k) => [k, env[k]]),
  );
}

/** A slot's name: 128 bits of four FNV-1a hashes with different offsets, in hex (only names files; see above). */
function hash(parts: readonly unknown[]): string {
  const text = JSON.stringify(parts);
  const h = [0x811c9dc5, 0x01000193, 0x050c5d1f, 0x7fb5d329];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let j = 0; j < 4; j++) h[j] = Math.imul((h[j] as number) ^ c, 0x01000193) >>> 0;
  }
  return h.map((x) => x.toString(16).padStart(8, '0')).join('');
}
