// A Compose healthcheck as a readinessProbe. "Healthy" in Compose gates `depends_on: service_healthy`; "Ready" in
// Kubernetes gates a Service's endpoints, which is what the init containers of dependent pods wait on. Docker
// does not restart an unhealthy container either, so no livenessProbe is made. start_period needs no translation:
// a pod is not Ready until the first success, as a container is "starting" until then.
import type { Healthcheck } from '../../spec/model.js';
import type { Untranslated } from './types.js';

// Docker's defaults, set explicitly since Kubernetes' differ (period 10s, timeout 1s).
const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

/** Whole seconds, rounded up (probes count in seconds), at least 1; the note says when precision was lost. */
function seconds(ms: number, path: string, notes: Untranslated[]): number {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s * 1000 !== ms) notes.push({ path, reason: `Kubernetes counts probe times in whole seconds; ${s}s is used` });
  return s;
}

export function readinessProbe(
  check: Healthcheck | undefined,
  at: string,
): { probe?: Record<string, unknown>; untranslated: Untranslated[] } {
  const untranslated: Untranslated[] = [];
  if (!check || check.disable === true || !check.test || check.test[0] === 'NONE') return { untranslated };
  const [kind, ...rest] = check.test;
  let command: string[];
  if (kind === 'CMD' && rest.length > 0) command = rest;
  else if (kind === 'CMD-SHELL' && rest.length > 0) command = ['/bin/sh', '-c', rest.join(' ')];
  else {
    untranslated.push({ path: `${at}.test`, reason: `"${check.test.join(' ')}" is not a command a probe can run` });
    return { untranslated };
  }
  if (check.start_interval !== undefined)
    untranslated.push({ path: `${at}.start_interval`, reason: 'a probe has one period, during start-up too' });
  const probe = {
    exec: { command },
    periodSeconds: seconds(check.interval ?? DEFAULT_INTERVAL_MS, `${at}.interval`, untranslated),
    timeoutSeconds: seconds(check.timeout ?? DEFAULT_TIMEOUT_MS, `${at}.timeout`, untranslated),
    failureThreshold: Math.max(1, check.retries ?? DEFAULT_RETRIES),
  };
  return { probe, untranslated };
}
