// A check that each test file removes what it made on the host: links (bridges, veths), network namespace
// mounts, overlay mounts, and engine processes (berthd, dockerd, conmon, runc, aardvark-dns). It snapshots the
// host before a file and compares after it; what is new and still there after a grace period fails the file,
// naming it. On only when BERTH_LEAK_CHECK=1 (.ci/run sets it): the check is exact only when no one else makes
// such things on the host meanwhile, which holds when the suite runs alone (vitest runs one file at a time here).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

interface HostSnapshot {
  links: Set<string>;
  mounts: Set<string>;
  processes: Map<string, string>;
}

const ENGINE_PROCESS = /^(berthd|dockerd|containerd|conmon|runc|aardvark-dns|registry|docker-registry)$/;

function snapshot(): HostSnapshot {
  const links = new Set(
    execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.split(': ')[1]?.split('@')[0] ?? '')
      .filter((n) => n !== '' && n !== 'lo' && !/^(eth|ens|enp)\d/.test(n)),
  );
  const mounts = new Set(
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => (f[2] === 'nsfs' || f[2] === 'overlay') && f[1] !== '/')
      .map((f) => `${f[2]} ${f[1]}`),
  );
  const processes = new Map<string, string>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (ENGINE_PROCESS.test(comm) || comm.startsWith('berthd')) processes.set(pid, comm);
    } catch {
      // gone meanwhile
    }
  }
  return { links, mounts, processes };
}

function leftovers(before: HostSnapshot): string[] {
  const now = snapshot();
  return [
    ...[...now.links].filter((l) => !before.links.has(l)).map((l) => `link ${l}`),
    ...[...now.mounts].filter((m) => !before.mounts.has(m)).map((m) => `mount ${m}`),
    ...[...now.processes].filter(([pid]) => !before.processes.has(pid)).map(([pid, c]) => `process ${c} (${pid})`),
  ];
}

if (process.env.BERTH_LEAK_CHECK === '1') {
  let before: HostSnapshot | undefined;
  beforeAll(() => {
    before = snapshot();
  });
  afterAll(async () => {
    if (!before) return;
    let left = leftovers(before);
    // Processes and links of a stopped engine can take a moment to go.
    for (let i = 0; i < 50 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = leftovers(before);
    }
    if (left.length > 0) {
      throw new Error(`this test file left on the host: ${left.join(', ')}`);
    }
  }, 15_000);
}
