// Preloaded with `node --import` by bench/config.mjs when GNU time is not installed: at exit, writes the
// process's peak resident set size (getrusage ru_maxrss, in KiB) and its user and system CPU time (in seconds, as
// GNU time's %U %S) to the file named by BENCH_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_MAXRSS_FILE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
  });
}
