// The `filters` of GET /images/json as dockerd applies them: reference (a glob on the familiar name, with or
// without tag; only matching tags are listed), dangling, label, before and since.
import { matchesLabels } from '../filters.js';
import type { ImageRecord } from './image-index.js';
import { isDangling } from './image-index.js';

/** Go's path.Match for the patterns Docker users write: `*` and `?` within one path segment, `[...]` classes. */
function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^\^/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The tags of `record` that one of `patterns` matches, on the familiar name with or without its tag. */
function matchingTags(record: ImageRecord, patterns: readonly string[]): string[] {
  const regexps = patterns.map(globToRegExp);
  return record.repoTags.filter((tag) => {
    const repo = tag.slice(0, tag.lastIndexOf(':'));
    return regexps.some((r) => r.test(tag) || r.test(repo));
  });
}

/**
 * GET /images/json's selection: every image that passes `filters`, leaving out, without `all`, the untagged
 * images that others were built on (a build step's), as dockerd does.
 */
export function listImages(
  images: { list(): ImageRecord[]; hasChildren(id: string): boolean; resolve(ref: string): ImageRecord | undefined },
  query: { all: boolean; filters: ReadonlyMap<string, readonly string[]> },
): ImageRecord[] {
  const listed = images.list().filter((i) => query.all || i.repoTags.length > 0 || !images.hasChildren(i.id));
  return filterImages(listed, query.filters, (ref) => images.resolve(ref));
}

/** `resolve` finds the image that `before` and `since` name. */
export function filterImages(
  list: readonly ImageRecord[],
  filters: ReadonlyMap<string, readonly string[]>,
  resolve: (ref: string) => ImageRecord | undefined,
): ImageRecord[] {
  const createdOf = (ref: string): number => {
    const r = resolve(ref);
    return r ? Date.parse(r.created) : Number.NaN;
  };
  const references = filters.get('reference') ?? [];
  const kept = list.filter((record) => {
    for (const [name, values] of filters) {
      if (values.length === 0) continue;
      const created = Date.parse(record.created);
      const ok =
        name === 'reference'
          ? matchingTags(record, values).length > 0
          : name === 'dangling'
            ? values.every((v) => isDangling(record) === (v === 'true' || v === '1'))
            : name === 'label'
              ? matchesLabels((record.config.config?.Labels as Record<string, string> | undefined) ?? {}, values)
              : name === 'before'
                ? values.every((v) => created < createdOf(v))
                : name === 'since'
                  ? values.every((v) => created > createdOf(v))
                  : true;
      if (!ok) return false;
    }
    return true;
  });
  // As dockerd does, an image listed for a reference filter shows only the tags that matched.
  return references.length === 0 ? kept : kept.map((r) => ({ ...r, repoTags: matchingTags(r, references) }));
}
