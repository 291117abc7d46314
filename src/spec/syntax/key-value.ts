// The list form of environment, labels, sysctls, build.args and the like: ["KEY=value", "KEY"].

/**
 * Reads `KEY<sep>VALUE` items the way compose-go does (strings.Cut): the first separator splits, so values may
 * contain it ("A=b=c" is "b=c"); "A=" is the empty string; "A" is null, meaning "take the value from the
 * environment" for environment and build.args (labels turn null into "", as compose-go's Labels does).
 * Nothing is trimmed. A later item with the same key wins, at the position of the first.
 */
export function parseKeyValueList(items: readonly string[], sep = '='): Map<string, string | null> {
  const entries = new Map<string, string | null>();
  for (const item of items) {
    const at = item.indexOf(sep);
    if (at === -1) entries.set(item, null);
    else entries.set(item.slice(0, at), item.slice(at + sep.length));
  }
  return entries;
}
