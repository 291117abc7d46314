// Label filters as Docker applies them: each entry is "key" (the label is set) or "key=value", and all must hold.

export function matchesLabels(labels: Readonly<Record<string, string>>, filter?: readonly string[]): boolean {
  return (filter ?? []).every((f) => {
    const at = f.indexOf('=');
    if (at < 0) return Object.hasOwn(labels, f);
    return labels[f.slice(0, at)] === f.slice(at + 1);
  });
}
