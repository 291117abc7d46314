// Compose's `depends_on: { db: { restart: true } }`: when `up` recreates db (or restarts it for the same reason),
// a running container of the dependent service that would otherwise stay as it is gets restarted after it, so it
// reconnects to the new db. Pure: a pass over the container actions planUp already chose.
import type { Stack } from '../spec/model.js';
import type { Action } from './plan.js';

const TRIGGERS = new Set<Action['kind']>(['recreate', 'restart']);

/**
 * The actions with each `unchanged` container turned into a `restart` when a service it depends on with
 * `restart: true` is recreated or restarted. Transitive (a restart triggers its own dependents); each restart waits
 * for the actions that triggered it (`after`) and names them in its reasons. Other kinds are left as they are: a
 * recreated or started dependent already starts after its dependencies.
 */
export function withDependentRestarts(stack: Stack, actions: readonly Action[]): Action[] {
  const out = [...actions];
  // At most one pass per service can add a link to a chain, so this ends after as many passes as there are services.
  for (let changed = true; changed;) {
    changed = false;
    out.forEach((a, i) => {
      if (a.kind !== 'unchanged' || a.service === undefined) return;
      const dependsOn = stack.services[a.service]?.depends_on ?? {};
      const triggers = Object.keys(dependsOn)
        .filter((dep) => dependsOn[dep]?.restart === true)
        .sort()
        .flatMap((dep) => out.filter((b) => b.resource === 'container' && b.service === dep && TRIGGERS.has(b.kind)));
      if (triggers.length === 0) return;
      const reasons = [
        ...new Set(triggers.map((t) => `${t.service} ${t.kind === 'recreate' ? 'recreated' : 'restarted'}`)),
      ];
      out[i] = {
        ...a,
        kind: 'restart',
        reasons: reasons.map((r) => `dependency ${r}`),
        after: triggers.map((t) => t.id),
      };
      changed = true;
    });
  }
  return out;
}
