// Restart policies in action: after an exit the container waits `restarting` for its backoff and is started
// again; a user's stop, kill or forced remove cancels that (Docker's "manually stopped", persisted with the
// record); at berthd start, containers the policy says should run are started again, as dockerd does on boot.
// The decisions are restart-policy.ts; this file keeps the timers and changes the records.
import type { ContainerRecord } from './container-store.js';
import type { Lifecycle } from './lifecycle.js';
import { signalName } from './signals.js';
import type { LifecycleHooks } from './lifecycle-hooks.js';
import { cancelsRestart, decideRestart, restartPolicyOf } from './restart-policy.js';

/** One container's restart bookkeeping since the last user start (Docker's per-container restart manager). */
interface RestartRun {
  delayMs: number;
  canceled: boolean;
  timer?: NodeJS.Timeout;
  /** A start by the policy under way. */
  starting?: Promise<void>;
}

export class RestartManager {
  private readonly lifecycle: Lifecycle;
  private readonly runs = new Map<string, RestartRun>();
  readonly hooks: Partial<LifecycleHooks>;

  constructor(lifecycle: Lifecycle) {
    this.lifecycle = lifecycle;
    this.hooks = {
      starting: (c, opts) => {
        if (opts.byPolicy) return;
        // A user's start begins afresh: count, backoff and the manual-stop flag (Docker's ResetRestartManager).
        this.forget(c.id);
        c.restartCount = 0;
        c.manuallyStopped = false;
      },
      exiting: (c) => this.decide(c),
      exited: (c, restarting) => {
        if (restarting) this.schedule(c.id);
      },
      stopping: (c, signal) => this.stopRequested(c, signal),
      removed: (c) => this.forget(c.id),
    };
  }

  /** Starts the containers whose policy says they should run and that are not running (berthd start-up). */
  async resume(): Promise<void> {
    for (const c of this.lifecycle.deps.store.all()) {
      const run = this.runs.get(c.id);
      if (c.state.Running || run?.timer || run?.starting) continue;
      // A container that was never started stays created: only exited ones (or ones cut off mid-backoff) count.
      if (!c.state.Restarting && c.state.Status !== 'exited') continue;
      const { restart } = decideRestart(restartPolicyOf(c.hostConfig), {
        ...this.exitFacts(c),
        canceled: false,
        previousDelayMs: 0,
      });
      if (restart) {
        c.state = { ...c.state, Status: 'restarting', Restarting: true };
        await this.restart(c.id);
      } else if (c.state.Restarting) {
        await this.settleExited(c);
      }
    }
  }

  /** Drops every pending restart; records left `restarting` are taken up by the next resume(). */
  close(): void {
    for (const run of this.runs.values()) clearTimeout(run.timer);
    this.runs.clear();
  }

  private decide(c: ContainerRecord): boolean {
    const policy = restartPolicyOf(c.hostConfig);
    if (policy.name === 'no') return false;
    const run = this.runOf(c.id);
    const decision = decideRestart(policy, {
      ...this.exitFacts(c),
      canceled: run.canceled,
      previousDelayMs: run.delayMs,
    });
    run.delayMs = decision.delayMs;
    if (!decision.restart) return false;
    c.restartCount += 1;
    c.state = { ...c.state, Status: 'restarting', Restarting: true };
    return true;
  }

  private exitFacts(c: ContainerRecord): {
    exitCode: number;
    manuallyStopped: boolean;
    ranMs: number;
    restartCount: number;
  } {
    return {
      exitCode: c.state.ExitCode,
      manuallyStopped: c.manuallyStopped === true,
      ranMs: Date.parse(c.state.FinishedAt) - Date.parse(c.state.StartedAt),
      restartCount: c.restartCount,
    };
  }

  private schedule(id: string): void {
    const run = this.runOf(id);
    clearTimeout(run.timer);
    run.timer = setTimeout(() => void this.restart(id), run.delayMs);
    run.timer.unref();
  }

  private async restart(id: string): Promise<void> {
    const run = this.runOf(id);
    run.timer = undefined;
    const c = this.lifecycle.deps.store.find(id);
    if (!c || !c.state.Restarting) return;
    const starting = this.lifecycle.start(id, { byPolicy: true }).catch(async (e: unknown) => {
      // As dockerd: a restart that fails to start leaves the container exited, and the policy gives up.
      this.lifecycle.deps.log(`restart ${id}: ${String(e)}`);
      if (this.lifecycle.deps.store.find(id) === c && !c.state.Running) {
        c.state = { ...c.state, Error: e instanceof Error ? e.message : String(e) };
        await this.settleExited(c);
      }
    });
    run.starting = starting;
    await starting;
    if (run.starting === starting) run.starting = undefined;
  }

  /**
   * A user's stop, kill or forced remove: the container counts as manually stopped, and the stop signal or
   * SIGKILL cancels restarts until the next user start. Resolves true when there is no process to signal.
   */
  private async stopRequested(c: ContainerRecord, signal: string): Promise<boolean> {
    const run = this.runOf(c.id);
    c.manuallyStopped = true;
    const configured = (c.config.StopSignal ?? this.lifecycle.imageConfig(c).StopSignal) as string | undefined;
    if (cancelsRestart(signal, configured === undefined ? undefined : signalName(configured))) run.canceled = true;
    // A start by the policy already under way finishes first; the caller then signals the new process.
    if (run.starting) await run.starting;
    if (!c.state.Restarting) {
      if (this.lifecycle.deps.store.find(c.id) === c) await this.lifecycle.deps.store.save(c);
      return false;
    }
    if (run.canceled) {
      clearTimeout(run.timer);
      run.timer = undefined;
      await this.settleExited(c);
    }
    return true;
  }

  /** Ends a wait to restart: the container is exited with the exit code it had. */
  private async settleExited(c: ContainerRecord): Promise<void> {
    c.state = { ...c.state, Status: 'exited', Running: false, Restarting: false };
    if (this.lifecycle.deps.store.find(c.id) === c) await this.lifecycle.deps.store.save(c);
  }

  private runOf(id: string): RestartRun {
    let run = this.runs.get(id);
    if (!run) this.runs.set(id, (run = { delayMs: 0, canceled: false }));
    return run;
  }

  private forget(id: string): void {
    clearTimeout(this.runs.get(id)?.timer);
    this.runs.delete(id);
  }
}
