// The points where supervisors (health monitors, restart policies) join a container's lifecycle. lifecycle.ts
// calls them at fixed places and decides nothing itself; each supervisor implements the hooks it needs.
import type { ContainerRecord } from './container-store.js';

/**
 * Hooks lifecycle.ts calls, in this order for one run: starting, started, exiting, exited. Hooks that take the
 * record may change it in memory; the lifecycle saves it right after. They must not throw.
 */
export interface LifecycleHooks {
  /** Before the process is created. `byPolicy`: a restart policy starts it; otherwise a user does. */
  starting(c: ContainerRecord, opts: { byPolicy: boolean }): void;
  /** After the start is saved and announced. */
  started(c: ContainerRecord): void;
  /**
   * The exit is set on the record (Status exited) and not yet saved. Returns true when a restart policy will
   * start the container again; the hook then leaves the record `restarting`.
   */
  exiting(c: ContainerRecord): boolean;
  /** After the exit is saved, cleaned up and announced (`die`); `restarting` is what exiting returned. */
  exited(c: ContainerRecord, restarting: boolean): void;
  /**
   * A user's stop, kill or forced remove, before any signal is sent (Docker's "manually stopped"). Resolves true
   * when the container had no process (it was waiting to restart) and is now exited and saved.
   */
  stopping(c: ContainerRecord, signal: string): Promise<boolean>;
  /** After the record is removed. */
  removed(c: ContainerRecord): void;
}

/** The hooks of every supervisor, called in the order they were added. */
export class LifecycleHookList implements LifecycleHooks {
  private readonly list: Array<Partial<LifecycleHooks>> = [];

  add(hooks: Partial<LifecycleHooks>): void {
    this.list.push(hooks);
  }

  starting(c: ContainerRecord, opts: { byPolicy: boolean }): void {
    for (const h of this.list) h.starting?.(c, opts);
  }

  started(c: ContainerRecord): void {
    for (const h of this.list) h.started?.(c);
  }

  exiting(c: ContainerRecord): boolean {
    let restarting = false;
    for (const h of this.list) restarting = (h.exiting?.(c) ?? false) || restarting;
    return restarting;
  }

  exited(c: ContainerRecord, restarting: boolean): void {
    for (const h of this.list) h.exited?.(c, restarting);
  }

  async stopping(c: ContainerRecord, signal: string): Promise<boolean> {
    let ended = false;
    for (const h of this.list) ended = ((await h.stopping?.(c, signal)) ?? false) || ended;
    return ended;
  }

  removed(c: ContainerRecord): void {
    for (const h of this.list) h.removed?.(c);
  }
}
