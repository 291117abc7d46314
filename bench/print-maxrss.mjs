// Preloaded with `node --import` by bench/config.mjs when GNU time is not installed: at exit, writes the
// process's peak resident set size (getrusage ru_maxrss, in KiB) to the file named by BENCH_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.BENCH_MAXRSS_FILE;
if (out) {
  process.on('exit', () => {
    writeFileSync(out, `${process.resourceUsage().maxRSS}\n`);
  });
}
