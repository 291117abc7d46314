// The host processes netavark leaves behind, found by this data root's netavark config folder so that another
// berthd's (another data root) are never touched: a netavark run that outlived a killed berthd (it is a process of
// its own and finishes its setup), and the aardvark-dns that netavark starts per config folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AARDVARK, NETAVARK } from './netavark.js';

function cmdline(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return []; // gone meanwhile
  }
}

/** Pids of netavark runs started with `--config configDir` (by this data root's berthd, alive or killed). */
export function netavarkRuns(configDir: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      const argv = cmdline(p);
      return argv[0] === NETAVARK && argv[argv.indexOf('--config') + 1] === configDir;
    })
    .map(Number);
}

/**
 * Waits (at most `timeoutMs`) until no netavark run of `configDir` is left: a setup that a killed berthd started
 * must end before its endpoint is torn down, or the teardown could run first and the setup's rules survive it.
 */
export async function waitForNetavark(configDir: string, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (netavarkRuns(configDir).length > 0) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Stops the aardvark-dns of `configDir` (netavark keeps its pid in <configDir>/aardvark-dns/aardvark.pid), after
 * checking that the pid is that aardvark and not a reused one. Returns the pid it stopped, or undefined.
 */
export function stopAardvark(configDir: string): number | undefined {
  const dir = join(configDir, 'aardvark-dns');
  let pid: string;
  try {
    pid = readFileSync(join(dir, 'aardvark.pid'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const argv = cmdline(pid);
  if (!/^\d+$/.test(pid) || argv[0] !== AARDVARK || !argv.includes(dir)) return undefined;
  process.kill(Number(pid), 'SIGTERM');
  return Number(pid);
}
