// A service must say what to run: an image, a build, or (Compose 2.36+) a provider. Compose checks this on the
// merged project (compose-go checkConsistency), so an override file that only adds to a base service passes when
// merged and is refused when loaded on its own, as here: this runs after every file is merged.
import type { Diagnostic } from '../../errors.js';
import type { TreeMap } from '../tree.js';
import { isMap, locate } from '../tree.js';

export function checkImageOrBuild(tree: TreeMap): Diagnostic[] {
  const services = isMap(tree.services) ? tree.services : {};
  const out: Diagnostic[] = [];
  for (const [name, svc] of Object.entries(services)) {
    if (!isMap(svc)) continue;
    // A key that is present counts even when empty: `image: ${IMAGE}` with IMAGE unset is a warning about the
    // variable, and the corpus (compose's e2e testdata) loads such files with the variable given.
    const has = (key: string): boolean => svc[key] !== undefined && svc[key] !== null;
    if (has('image') || has('build') || has('provider')) continue;
    out.push({
      code: 'SPEC_NO_IMAGE_OR_BUILD',
      severity: 'error',
      message: `service "${name}" has neither an image nor a build context specified`,
      hint: `add "image:" or "build:" to service "${name}"; if this file overrides another, load both (-f base.yaml -f this.yaml)`,
      at: locate(tree, ['services', name], true),
    });
  }
  return out;
}
