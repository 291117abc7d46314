// GET /events' `filters`: type, event (an action), container, image and label, as dockerd matches them.
import { matchesLabels } from '../filters.js';
import type { EngineEvent } from './event-bus.js';

/** True when `e` passes every filter; a filter this engine does not know passes, as with dockerd 20.10. */
export function eventMatches(e: EngineEvent, filters: Map<string, string[]>): boolean {
  for (const [name, values] of filters) {
    if (values.length === 0) continue;
    const ok =
      name === 'type'
        ? values.includes(e.Type)
        : name === 'event'
          ? values.some((v) => matchesAction(e.Action, v))
          : name === 'container' || name === 'image'
            ? e.Type === name && (values.includes(e.Actor.ID) || values.includes(e.Actor.Attributes.name ?? ''))
            : name === 'label'
              ? matchesLabels(e.Actor.Attributes, values)
              : true;
    if (!ok) return false;
  }
  return true;
}

/** As dockerd (moby #25798): `health_status`, `exec_create` and `exec_start` also match their "x: detail" actions. */
function matchesAction(action: string, wanted: string): boolean {
  return action === wanted || (FUZZY_ACTIONS.has(wanted) && action.startsWith(`${wanted}:`));
}

const FUZZY_ACTIONS = new Set(['health_status', 'exec_create', 'exec_start']);
