// Joins log rotation (runtime/log-rotator.ts) to the lifecycle: a container whose LogConfig keeps more than one
// file gets a rotator while it runs, from its start or, for one already running, from berthd's start-up.
import { join } from 'node:path';
import { LogRotator } from '../runtime/log-rotator.js';
import { logRotation } from '../runtime/log-options.js';
import type { ContainerRecord } from './container-store.js';
import type { Lifecycle } from './lifecycle.js';
import type { LifecycleHooks } from './lifecycle-hooks.js';

export class LogRotation {
  readonly hooks: Partial<LifecycleHooks>;
  private readonly lifecycle: Lifecycle;
  private readonly rotators = new Map<string, LogRotator>();

  constructor(lifecycle: Lifecycle) {
    this.lifecycle = lifecycle;
    this.hooks = {
      started: (c) => this.watch(c),
      exiting: (c) => {
        this.unwatch(c.id);
        return false;
      },
      removed: (c) => this.unwatch(c.id),
    };
  }

  /** Rotators for the containers already running (berthd start-up). */
  adopt(): void {
    for (const c of this.lifecycle.deps.store.all()) if (c.state.Running) this.watch(c);
  }

  close(): void {
    for (const id of [...this.rotators.keys()]) this.unwatch(id);
  }

  private watch(c: ContainerRecord): void {
    if (this.rotators.has(c.id)) return;
    let rotation;
    try {
      rotation = logRotation(c.hostConfig);
    } catch {
      return; // refused at create; a record from an older berthd keeps its log unrotated
    }
    if (!rotation || rotation.maxFile < 2) return; // conmon's --log-size-max does one file
    const rotator = new LogRotator({
      logPath: this.lifecycle.paths(c).logPath,
      ctlPath: join(this.lifecycle.deps.store.dirOf(c.id), 'ctl'),
      ...rotation,
      log: this.lifecycle.deps.log,
    });
    this.rotators.set(c.id, rotator);
    rotator.start();
  }

  private unwatch(id: string): void {
    this.rotators.get(id)?.stop();
    this.rotators.delete(id);
  }
}
