// depends_on must not loop: a cycle is named in full ("a -> b -> a"), as compose-go does.
import type { Diagnostic } from '../../errors.js';
import type { TreeMap } from '../tree.js';
import { isList, isMap, locate } from '../tree.js';

export function checkCycles(tree: TreeMap): Diagnostic[] {
  const services = isMap(tree.services) ? tree.services : {};
  const edges = new Map<string, string[]>();
  for (const [name, svc] of Object.entries(services)) {
    const deps = isMap(svc) ? svc.depends_on : undefined;
    edges.set(name, isList(deps) ? deps.map(String) : isMap(deps) ? Object.keys(deps) : []);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const out: Diagnostic[] = [];
  const visit = (name: string, stack: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      out.push({
        code: 'SPEC_DEPENDENCY_CYCLE',
        severity: 'error',
        message: `dependency cycle detected: ${cycle.join(' -> ')}`,
        hint: 'remove one of these depends_on entries',
        at: locate(tree, ['services', name, 'depends_on']),
      });
      return;
    }
    state.set(name, 'visiting');
    for (const dep of edges.get(name) ?? []) if (edges.has(dep)) visit(dep, [...stack, name]);
    state.set(name, 'done');
  };
  for (const name of [...edges.keys()].sort()) visit(name, []);
  return out;
}
