// Health monitors: one per running container with a healthcheck, probing on a timer (the start interval while
// starting inside the start period, else the interval) from start until exit. Each result is saved with the
// record (State.Health) before a change of status is announced (`health_status: healthy|unhealthy`, Docker's
// Action strings). Containers that are running when berthd starts get a monitor again (adopt).
import type { ContainerRecord } from './container-store.js';
import type { ExecStore } from './exec-store.js';
import type { HealthProbe } from './health-config.js';
import { applyProbeResult, nextProbeDelay, resolveHealthcheck, startingHealth } from './health-config.js';
import { runProbe } from './health-probe.js';
import type { Lifecycle } from './lifecycle.js';
import { labelsOf } from './container-labels.js';
import type { LifecycleHooks } from './lifecycle-hooks.js';

/** One container's monitor; `stopped` once the container exits or is removed (a late result is then dropped). */
interface Monitor {
  stopped: boolean;
  timer?: NodeJS.Timeout;
  abort: AbortController;
}

export class HealthMonitor {
  private readonly lifecycle: Lifecycle;
  private readonly execs: ExecStore;
  private readonly monitors = new Map<string, Monitor>();
  readonly hooks: Partial<LifecycleHooks>;

  constructor(lifecycle: Lifecycle, execs: ExecStore) {
    this.lifecycle = lifecycle;
    this.execs = execs;
    this.hooks = {
      starting: (c) => {
        if (this.probeOf(c)) c.state = { ...c.state, Health: startingHealth(c.state.Health) };
      },
      started: (c) => this.watch(c),
      exiting: (c) => {
        this.unwatch(c.id);
        return false;
      },
      removed: (c) => this.unwatch(c.id),
    };
  }

  /** Monitors the containers already running (berthd start-up); their saved health carries on. */
  adopt(): void {
    for (const c of this.lifecycle.deps.store.all()) {
      if (!c.state.Running || this.monitors.has(c.id) || !this.probeOf(c)) continue;
      if (!c.state.Health) c.state = { ...c.state, Health: startingHealth(undefined) };
      this.watch(c);
    }
  }

  /** Stops every monitor and kills the probes under way. */
  close(): void {
    for (const id of [...this.monitors.keys()]) this.unwatch(id);
  }

  private probeOf(c: ContainerRecord): HealthProbe | undefined {
    return resolveHealthcheck(c.config, this.lifecycle.imageConfig(c));
  }

  private watch(c: ContainerRecord): void {
    const probe = this.probeOf(c);
    if (!probe) return;
    this.unwatch(c.id);
    const monitor: Monitor = { stopped: false, abort: new AbortController() };
    this.monitors.set(c.id, monitor);
    const startedAt = Date.parse(c.state.StartedAt);
    const next = (): void => {
      if (monitor.stopped) return;
      const delay = nextProbeDelay(probe, c.state.Health?.Status, Date.now() - startedAt);
      monitor.timer = setTimeout(() => {
        this.probeOnce(c, probe, monitor)
          .catch((e: unknown) => this.lifecycle.deps.log(`health ${c.id}: ${String(e)}`))
          .finally(next);
      }, delay);
      monitor.timer.unref();
    };
    next();
  }

  private unwatch(id: string): void {
    const monitor = this.monitors.get(id);
    if (!monitor) return;
    monitor.stopped = true;
    clearTimeout(monitor.timer);
    monitor.abort.abort();
    this.monitors.delete(id);
  }

  private async probeOnce(c: ContainerRecord, probe: HealthProbe, monitor: Monitor): Promise<void> {
    const result = await runProbe(this.execs, c, {
      argv: probe.argv,
      timeoutMs: probe.timeoutMs,
      signal: monitor.abort.signal,
    });
    const { store, events } = this.lifecycle.deps;
    if (monitor.stopped || !c.state.Running || store.find(c.id) !== c) return;
    const before = c.state.Health ?? startingHealth(undefined);
    const after = applyProbeResult(before, result, {
      retries: probe.retries,
      startPeriodMs: probe.startPeriodMs,
      startedAtMs: Date.parse(c.state.StartedAt),
    });
    c.state = { ...c.state, Health: after };
    await store.save(c);
    if (after.Status !== before.Status) {
      events.emit('container', `health_status: ${after.Status}`, c.id, {
        name: c.name,
        image: c.image,
        ...labelsOf(c),
      });
    }
  }
}
