// Plain lines for what watch does, one per event, with the latency from the save that caused it.
import type { WatchEvent } from './actions.js';
import type { WatchTarget } from './targets.js';

const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
const took = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export function renderWatchEvent(e: WatchEvent): string {
  switch (e.kind) {
    case 'synced': {
      const what = [e.written > 0 ? files(e.written) : '', e.deleted > 0 ? `${e.deleted} deleted` : '']
        .filter(Boolean)
        .join(', ');
      return `⦿ synced ${what} to ${e.container} in ${took(e.ms)}`;
    }
    case 'deletes-skipped':
      return `⦿ ${e.container} is not running: ${files(e.count)} deleted here stay in it (start it and save again)`;
    case 'restarted':
      return `⦿ restarted ${e.container} in ${took(e.ms)}`;
    case 'executed':
      return `⦿ ran the exec command in ${e.container} (exit ${e.exitCode}) in ${took(e.ms)}`;
    case 'rebuilt':
      return `⦿ rebuilt and recreated ${e.service} in ${took(e.ms)}`;
    case 'no-container':
      return `⦿ ${e.service} has no container to update (hint: berth up -d ${e.service})`;
    case 'failed':
      return `✗ ${e.service}: ${e.message}${e.hint ? ` (hint: ${e.hint})` : ''}`;
    case 'stack-applied':
      return `⦿ applied the stack file's changes in ${took(e.ms)}`;
  }
}

/** The line watch prints once it watches: each service with its number of rules. */
export function renderWatching(targets: readonly WatchTarget[]): string {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.service, (counts.get(t.service) ?? 0) + 1);
  const services = [...counts].map(([s, n]) => `${s} (${n} rule${n === 1 ? '' : 's'})`).join(', ');
  return `⦿ watching ${services}; Ctrl-C to stop`;
}
