// POST /containers/{id}/wait's conditions: "not-running" (the default), "next-exit" and "removed".
import type { EngineEvent } from '../events/event-bus.js';
import type { ContainerRecord } from './container-store.js';
import type { Lifecycle } from './lifecycle.js';

/**
 * Resolves with the container's state once `condition` holds. "not-running" resolves at once for a container
 * that is not running; "next-exit" waits for the next exit even so; "removed" waits for the removal, with the
 * exit code of the last exit (a `docker run --rm` client learns it that way).
 */
export async function waitForCondition(
  lifecycle: Lifecycle,
  c: ContainerRecord,
  condition: string,
): Promise<ContainerRecord['state']> {
  if (condition === 'not-running' || condition === '') return (await lifecycle.waitExit(c.id)).state;
  const action = condition === 'removed' ? 'destroy' : 'die';
  const event = await new Promise<EngineEvent>((resolve) => {
    const off = lifecycle.deps.events.subscribe((e) => {
      if (e.Type === 'container' && e.Actor.ID === c.id && e.Action === action) {
        off();
        resolve(e);
      }
    });
  });
  return { ...c.state, ExitCode: Number(event.Actor.Attributes.exitCode ?? c.state.ExitCode) };
}
