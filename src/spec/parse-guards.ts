// The limits parse.ts holds a stack file to, so that hostile YAML fails fast with a located error: nesting
// deeper than MAX_DEPTH, and aliases that would expand past MAX_EXPANDED_NODES (a "billion laughs").
import { Kind } from '@stoplight/yaml-ast-parser';
import type { YAMLNode, YamlMap, YAMLSequence, YAMLMapping } from '@stoplight/yaml-ast-parser';

/** Nesting deeper than this is SPEC_TOO_DEEP. */
export const MAX_DEPTH = 500;
/** A document whose aliases expand to more values than this is SPEC_ALIAS_BOMB. */
export const MAX_EXPANDED_NODES = 2_000_000;

/** Where flow brackets first nest deeper than MAX_DEPTH (quotes are not tracked: it only locates an error). */
export function deepestFlowOffset(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === ']' || c === '}') depth--;
    else if (c === '\n' && depth < 0) depth = 0;
  }
  return 0;
}

export const ALIAS_BOMB_MESSAGE = 'stack file expands to too many values through aliases';
export const ALIAS_BOMB_HINT = 'use fewer nested aliases';

/**
 * The value that makes a document expand past MAX_EXPANDED_NODES (the deepest one whose expansion alone is too
 * big), or undefined. Each node's size is counted once, so this is linear in the written document.
 */
export function findAliasBomb(root: YAMLNode): YAMLNode | undefined {
  const sizes = new Map<YAMLNode, number>();
  const children = (n: YAMLNode): Array<YAMLNode | null | undefined> =>
    n.kind === Kind.SEQ
      ? (n as YAMLSequence).items
      : n.kind === Kind.MAP
        ? (n as YamlMap).mappings.map((p: YAMLMapping) => p.value)
        : [];
  const sizeOf = (n: YAMLNode | null | undefined, depth: number): number => {
    if (!n) return 1;
    if (n.kind === Kind.ANCHOR_REF) return n.value && depth <= MAX_DEPTH ? sizeOf(n.value as YAMLNode, depth + 1) : 1;
    const known = sizes.get(n);
    if (known !== undefined) return known;
    let size = 1;
    // Past MAX_DEPTH the converter reports SPEC_TOO_DEEP; there is no need to go further here.
    if (depth <= MAX_DEPTH) for (const c of children(n)) size += sizeOf(c, depth + 1);
    sizes.set(n, size);
    return size;
  };
  if (sizeOf(root, 0) <= MAX_EXPANDED_NODES) return undefined;
  let node = root;
  for (;;) {
    const next = children(node).find((c) => c && sizeOf(c, MAX_DEPTH) > MAX_EXPANDED_NODES);
    if (!next || next.kind === Kind.ANCHOR_REF) return next ?? node;
    node = next;
  }
}
