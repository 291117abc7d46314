// The objects as text: one YAML stream for stdout, or one file per object ("<kind>-<name>.yaml", lower case, in
// apply order by a two-digit prefix so `kubectl apply -f DIR` creates claims and config before the pods).
import { safeDump } from '@stoplight/yaml-ast-parser';
import type { KubeObject } from './types.js';

export function renderYamlDocument(object: KubeObject): string {
  const text = safeDump(object, { lineWidth: 120, noRefs: true });
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Every object as one YAML stream, documents separated by "---". */
export function renderYamlStream(objects: readonly KubeObject[]): string {
  return objects.map((o) => `---\n${renderYamlDocument(o)}`).join('');
}

/** File names for -o DIR, unique and in the objects' order. */
export function objectFileNames(objects: readonly KubeObject[]): string[] {
  const width = String(objects.length).length;
  return objects.map(
    (o, i) => `${String(i + 1).padStart(Math.max(2, width), '0')}-${o.kind.toLowerCase()}-${o.metadata.name}.yaml`,
  );
}
