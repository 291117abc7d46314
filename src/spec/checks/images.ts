// `image:` must be a reference Docker accepts, and `pull_policy` one Compose knows: caught when the stack loads,
// with the place, rather than by the engine at `up` (where Docker says only "invalid reference format").
import type { Diagnostic } from '../../errors.js';
import { parseImageReference } from '../image-reference.js';
import { parsePullPolicy } from '../syntax/pull-policy.js';
import type { TreeMap } from '../tree.js';
import { isMap, locate } from '../tree.js';

export function checkImages(tree: TreeMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  const services = isMap(tree.services) ? tree.services : {};
  for (const [name, svc] of Object.entries(services)) {
    if (!isMap(svc)) continue;
    // An empty image (an unset variable) loads in compose-go too: it fails later, when there is something to run.
    if (typeof svc.image === 'string' && svc.image !== '') {
      const ref = parseImageReference(svc.image);
      if (!ref.ok) {
        out.push({
          code: 'SPEC_BAD_IMAGE_REFERENCE',
          severity: 'error',
          message: ref.message,
          hint: ref.hint,
          at: locate(tree, ['services', name, 'image']),
        });
      }
    }
    if (typeof svc.pull_policy === 'string') {
      const policy = parsePullPolicy(svc.pull_policy);
      if (!policy.ok) {
        out.push({
          code: 'SPEC_BAD_PULL_POLICY',
          severity: 'error',
          message: policy.message,
          hint: policy.hint,
          at: locate(tree, ['services', name, 'pull_policy']),
        });
      }
    }
  }
  return out;
}
