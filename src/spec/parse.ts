// YAML text to the raw tree, keeping the position of every node, expanding aliases and `<<` merge keys, and
// recording Compose's `!reset` / `!override` tags. Guards against alias bombs, deep nesting and huge input.
//
// The parser is @stoplight/yaml-ast-parser (a js-yaml fork that keeps an AST with offsets): on a 500-service
// stack it parses in a quarter of the time `yaml` takes cold, which is most of a `berth config` run.
import {
  Kind,
  ScalarType,
  determineScalarType,
  loadAll,
  parseYamlBigInteger,
  parseYamlBoolean,
  parseYamlFloat,
} from '@stoplight/yaml-ast-parser';
import type { YAMLNode, YAMLScalar, YamlMap, YAMLSequence, YAMLMapping } from '@stoplight/yaml-ast-parser';
import type { Diagnostic } from '../errors.js';
import type { MergeTag, Pos, Tree, TreeMap } from './tree.js';
import { newMap, setChildPos, setSelfPos, setTag } from './tree.js';
import {
  ALIAS_BOMB_HINT,
  ALIAS_BOMB_MESSAGE,
  MAX_DEPTH,
  MAX_EXPANDED_NODES,
  deepestFlowOffset,
  findAliasBomb,
} from './parse-guards.js';
import { MAX_STACK_FILE_BYTES } from './stack-file-limit.js';

export type ParseResult =
  | { ok: true; documents: TreeMap[]; /** some value carries !reset or !override */ hasMergeTags: boolean }
  | { ok: false; errors: Diagnostic[] };

class ParseFailure extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.diagnostic = diagnostic;
  }
}

/** Parses one stack file. Every document of a multi-document file must be a mapping; an empty file is an error. */
export function parseStackText(text: string, file: string): ParseResult {
  const fail = (code: string, message: string, hint: string, line = 1, column = 1): ParseResult => ({
    ok: false,
    errors: [{ code, severity: 'error', message, hint, at: { file, line, column, path: '' } }],
  });
  const unreadable = checkText(text, fail);
  if (unreadable !== undefined) return unreadable;
  const lines = lineStarts(text);
  const starts = (i: number): number => (i < lines.length ? (lines[i] as number) : Infinity);
  let near = 0; // the converter asks in text order, mostly on the line of the last answer or the next one
  const posAt = (offset: number): Pos => {
    let lo = 0;
    if (starts(near) <= offset && offset < starts(near + 1)) lo = near;
    else if (starts(near + 1) <= offset && offset < starts(near + 2)) lo = near + 1;
    else {
      let hi = lines.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((lines[mid] as number) <= offset) lo = mid;
        else hi = mid - 1;
      }
    }
    near = lo;
    return { file, line: lo + 1, column: offset - (lines[lo] as number) + 1 };
  };
  const roots: Array<YAMLNode | null> = [];
  try {
    loadAll(text, (doc) => roots.push(doc ?? null), { filename: file });
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const at = posAt(deepestFlowOffset(text));
    return fail('SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML', at.line, at.column);
  }
  const { errors, tags } = syntaxErrors(roots, text, posAt);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, 20) };
  const documents: TreeMap[] = [];
  try {
    for (const root of roots) {
      if (root === null || (root.kind === Kind.SCALAR && (root as YAMLScalar).value === '' && roots.length > 1))
        continue;
      if (root.kind !== Kind.MAP) {
        const at = posAt(root.startPosition);
        const what = root.kind === Kind.SEQ ? 'a list' : 'a single value';
        return fail(
          'SPEC_TOP_LEVEL_NOT_MAPPING',
          `the top level of a stack file must be a mapping, not ${what}`,
          'start the file with "services:" and list services under it',
          at.line,
          at.column,
        );
      }
      // Measured before converting: expanding a billion-laughs document up to the limit would take seconds.
      const bomb = findAliasBomb(root);
      if (bomb) {
        const at = posAt(bomb.startPosition);
        return fail('SPEC_ALIAS_BOMB', ALIAS_BOMB_MESSAGE, ALIAS_BOMB_HINT, at.line, at.column);
      }
      const converter = new Converter(posAt, file, { tags, text });
      documents.push(converter.convert(root, 0) as TreeMap);
    }
  } catch (e) {
    if (e instanceof ParseFailure) return { ok: false, errors: [e.diagnostic] };
    if (e instanceof RangeError) return fail('SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML');
    throw e;
  }
  if (documents.length === 0) {
    return fail('SPEC_EMPTY_FILE', 'stack file is empty', 'a stack file needs at least a "services:" mapping');
  }
  return { ok: true, documents, hasMergeTags: tags.size > 0 };
}

type Fail = (code: string, message: string, hint: string) => ParseResult;

/** Refuses what is not a stack file before parsing: too large, binary, or empty (comments only). */
function checkText(text: string, fail: Fail): ParseResult | undefined {
  if (text.length > MAX_STACK_FILE_BYTES) {
    return fail(
      'SPEC_FILE_TOO_LARGE',
      `stack file is ${(text.length / 1024 / 1024).toFixed(1)} MB, more than berth reads (${MAX_STACK_FILE_BYTES / 1024 / 1024} MB)`,
      'a Compose file this large is almost certainly not one; check the -f argument',
    );
  }
  const nul = text.indexOf('\0');
  // Control characters other than tab and newlines do not occur in YAML text; they mean binary data.
  // eslint-disable-next-line no-control-regex
  if (nul >= 0 || /[\u0001-\u0008\u000e-\u001f]/.test(text.slice(0, 4096))) {
    return fail('SPEC_NOT_TEXT', 'stack file is not text (it holds binary data)', 'point -f at a YAML Compose file');
  }
  if (text.trim() === '' || /^(\s*(#.*)?\n?)*$/.test(text)) {
    return fail('SPEC_EMPTY_FILE', 'stack file is empty', 'a stack file needs at least a "services:" mapping');
  }
  return undefined;
}

/**
 * The parser's errors as diagnostics (a duplicate key once, unknown tags ignored), and where the !reset and
 * !override merge tags are: the parser reports those as unknown tags, at the tag and at its value.
 */
function syntaxErrors(
  roots: ReadonlyArray<YAMLNode | null>,
  text: string,
  posAt: (offset: number) => Pos,
): { errors: Diagnostic[]; tags: Map<number, MergeTag> } {
  const errors: Diagnostic[] = [];
  const tags = new Map<number, MergeTag>();
  for (const root of roots) {
    let previousDuplicate = -1;
    for (const err of root?.errors ?? []) {
      const offset = err.mark?.position ?? 0;
      // The parser reports a duplicate key twice, the second occurrence first; Compose names the second only.
      if (/duplicate key/.test(err.message)) {
        const isFirstOfPair = previousDuplicate > offset;
        previousDuplicate = isFirstOfPair ? -1 : offset;
        if (isFirstOfPair) continue;
      }
      const tag = /unknown tag <!(reset|override)>/.exec(err.message)?.[1] as MergeTag | undefined;
      if (tag) {
        tags.set(firstValueOffset(text, offset + tag.length + 1), tag);
        tags.set(offset, tag); // a tag with no value after it: found from the key, see firstAfterKey
        continue;
      }
      if (/unknown tag/.test(err.message)) continue; // Compose ignores tags it does not know
      const at = posAt(offset);
      errors.push(syntaxError(err.message, text, offset, { ...at, path: '' }));
    }
  }
  return { errors, tags };
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

/** Where the value after a tag starts: past spaces, line breaks and comments. */
function firstValueOffset(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else break;
  }
  return i;
}

function syntaxError(raw: string, text: string, offset: number, at: Diagnostic['at']): Diagnostic {
  const reason = raw.replace(/^JS-YAML: /, '').replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
  if (/duplicate key/.test(reason)) {
    const key = /^\s*["']?([^"':\n]*)/.exec(text.slice(offset, offset + 200))?.[1]?.trim() ?? '';
    return {
      code: 'SPEC_YAML_SYNTAX',
      severity: 'error',
      message: `key "${key}" appears more than once in this mapping`,
      hint: 'remove or rename one of the two keys',
      at,
    };
  }
  if (/tabs/i.test(reason)) {
    return {
      code: 'SPEC_YAML_SYNTAX',
      severity: 'error',
      message: 'invalid YAML: tabs are not allowed as indentation',
      hint: 'YAML does not allow tabs for indentation; use spaces',
      at,
    };
  }
  const hint = /indent|bad indentation/.test(reason)
    ? 'check the indentation: use spaces, not tabs, and line up keys of the same mapping'
    : /tab/.test(reason)
      ? 'YAML does not allow tabs for indentation; use spaces'
      : 'fix the YAML syntax at this position';
  return { code: 'SPEC_YAML_SYNTAX', severity: 'error', message: `invalid YAML: ${reason}`, hint, at };
}

/** Turns the parser's AST into the tree. Alias targets are converted once per use, bounded by MAX_EXPANDED_NODES. */
class Converter {
  private expanded = 0;
  private readonly posAt: (offset: number) => Pos;
  private readonly file: string;
  private readonly tags: ReadonlyMap<number, MergeTag>;
  private readonly text: string;
  constructor(
    posAt: (offset: number) => Pos,
    file: string,
    opts: { tags: ReadonlyMap<number, MergeTag>; text: string },
  ) {
    this.posAt = posAt;
    this.file = file;
    this.tags = opts.tags;
    this.text = opts.text;
  }

  private pos(node: YAMLNode | null | undefined): Pos | undefined {
    return node ? this.posAt(node.startPosition) : undefined;
  }

  private tagOf(node: YAMLNode | null | undefined): MergeTag | undefined {
    return node && this.tags.size > 0 ? this.tags.get(node.startPosition) : undefined;
  }

  private failAt(node: YAMLNode | null | undefined, code: string, message: string, hint: string): never {
    const p = this.pos(node) ?? { file: this.file, line: 1, column: 1 };
    throw new ParseFailure({ code, severity: 'error', message, hint, at: { ...p, path: '' } });
  }

  convert(node: YAMLNode | null | undefined, depth: number): Tree {
    if (++this.expanded > MAX_EXPANDED_NODES) {
      this.failAt(node, 'SPEC_ALIAS_BOMB', ALIAS_BOMB_MESSAGE, ALIAS_BOMB_HINT);
    }
    if (depth > MAX_DEPTH) this.failAt(node, 'SPEC_TOO_DEEP', 'stack file is nested too deeply', 'flatten the YAML');
    if (!node) return null;
    switch (node.kind) {
      case Kind.ANCHOR_REF: {
        const target = (node.value as YAMLNode | undefined) ?? undefined;
        if (!target) {
          const name = (node as unknown as { referencesAnchor: string }).referencesAnchor;
          this.failAt(node, 'SPEC_YAML_SYNTAX', `unknown alias "*${name}"`, 'define the anchor before using it');
        }
        return this.convert(target, depth + 1);
      }
      case Kind.SCALAR:
        return scalarValue(node as YAMLScalar);
      case Kind.SEQ:
        return this.convertSeq(node as YAMLSequence, depth);
      case Kind.MAP:
        return this.convertMap(node as YamlMap, depth);
      default:
        return null;
    }
  }

  private convertSeq(node: YAMLSequence, depth: number): Tree {
    const out: Tree[] = [];
    setSelfPos(out, this.pos(node));
    node.items.forEach((item, i) => {
      out.push(this.convert(item, depth + 1));
      setChildPos(out, i, this.pos(item));
      const tag = this.tagOf(item);
      if (tag) setTag(out, i, tag);
    });
    return out;
  }

  private convertMap(node: YamlMap, depth: number): Tree {
    const out = newMap();
    setSelfPos(out, this.pos(node));
    const merged: YamlMap[] = [];
    for (const pair of node.mappings as YAMLMapping[]) {
      const keyNode = pair.key;
      if (keyNode && keyNode.kind === Kind.SCALAR && keyNode.value === '<<' && keyNode.plainScalar) {
        merged.push(...this.mergeSources(pair.value, keyNode));
        continue;
      }
      const key = keyText(keyNode);
      if (key === undefined) {
        this.failAt(keyNode, 'SPEC_BAD_KEY', 'a mapping key must be a plain value', 'quote the key');
      }
      if (key === '__proto__') {
        this.failAt(keyNode, 'SPEC_BAD_KEY', 'the key "__proto__" is not allowed', 'rename the key');
      }
      out[key] = this.convert(pair.value, depth + 1);
      setChildPos(out, key, this.pos(pair.value) ?? this.pos(keyNode), this.pos(keyNode));
      const tag = this.tagOf(pair.value) ?? (pair.value ? undefined : this.tags.get(firstAfterKey(this.text, pair)));
      if (tag) setTag(out, key, tag);
    }
    // YAML merge keys: explicit keys win, then earlier sources win over later ones.
    for (const source of merged) {
      const converted = this.convert(source, depth + 1) as TreeMap;
      for (const k of Object.keys(converted)) {
        if (k in out) continue;
        out[k] = converted[k] as Tree;
        const pair = (source.mappings as YAMLMapping[]).find((p) => keyText(p.key) === k);
        setChildPos(out, k, this.pos(pair?.value) ?? this.pos(source), this.pos(pair?.key));
      }
    }
    return out;
  }

  private mergeSources(value: YAMLNode | null | undefined, keyNode: YAMLNode): YamlMap[] {
    const resolve = (n: YAMLNode | null | undefined): YAMLNode | null | undefined =>
      n && n.kind === Kind.ANCHOR_REF ? (n.value as YAMLNode | undefined) : n;
    const v = resolve(value);
    const items = v && v.kind === Kind.SEQ ? (v as YAMLSequence).items.map(resolve) : [v];
    return items.map((m) => {
      if (!m || m.kind !== Kind.MAP) {
        this.failAt(
          value ?? keyNode,
          'SPEC_BAD_MERGE_KEY',
          '"<<" must be given a mapping or a list of mappings',
          'merge an anchored mapping, e.g. "<<: *defaults"',
        );
      }
      return m as YamlMap;
    });
  }
}

/** For `key: !reset` with nothing after the tag, the parser gives no value node; the tag sits after the key. */
function firstAfterKey(text: string, pair: YAMLMapping): number {
  return firstValueOffset(text, pair.endPosition);
}

function keyText(key: YAMLScalar | null | undefined): string | undefined {
  if (key === null || key === undefined) return '';
  if (key.kind !== Kind.SCALAR) return undefined;
  // Keys keep their text: `8080:` is "8080", `true:` is "true", `null:` and `~:` are "null" as in Compose.
  const v = key.value;
  if (key.plainScalar && (v === '~' || v === 'null' || v === 'Null' || v === 'NULL')) return 'null';
  return v;
}

function scalarValue(node: YAMLScalar): Tree {
  switch (determineScalarType(node)) {
    case ScalarType.null:
      return null;
    case ScalarType.bool:
      return parseYamlBoolean(node.value);
    case ScalarType.int: {
      const n = parseYamlBigInteger(node.value);
      return typeof n === 'bigint' ? Number(n) : n;
    }
    case ScalarType.float: {
      const f = parseYamlFloat(node.value);
      return Number.isFinite(f) || Number.isNaN(f) ? f : node.value;
    }
    default:
      return node.value;
  }
}
