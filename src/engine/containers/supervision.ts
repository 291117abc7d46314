// What watches containers after they start: health monitors and restart policies, joined to the lifecycle's
// hooks. berthd makes one at start-up, before exits are read (an exit recorded while it was down is subject to
// the restart policy), and resumes it after (monitors for running containers, policy starts for stopped ones).
import type { ExecStore } from './exec-store.js';
import { HealthMonitor } from './health.js';
import type { Lifecycle } from './lifecycle.js';
import { LogRotation } from './log-rotation.js';
import { RestartManager } from './restart-manager.js';

/** Health monitors and restart policies of one berthd. `close` stops timers and probes, not containers. */
export interface Supervision {
  resume(): Promise<void>;
  close(): void;
}

export function superviseContainers(lifecycle: Lifecycle, execs: ExecStore): Supervision {
  const health = new HealthMonitor(lifecycle, execs);
  const restarts = new RestartManager(lifecycle);
  lifecycle.hooks.add(health.hooks);
  lifecycle.hooks.add(restarts.hooks);
  const logs = new LogRotation(lifecycle); // max-file > 1: berthd rotates the log
  lifecycle.hooks.add(logs.hooks);
  return {
    resume: async () => {
      health.adopt();
      logs.adopt();
      await restarts.resume();
    },
    close: () => {
      restarts.close();
      health.close();
      logs.close();
    },
  };
}
