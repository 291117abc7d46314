// wasOomKilled against cgroup file layouts written to a temp directory (the real kill is in runc.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { wasOomKilled } from '../../../src/engine/runtime/oom.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-cg-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

describe('wasOomKilled', () => {
  it('cgroup v1 must read oom_kill from memory.oom_control', () => {
    write('memory/berth/a/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    write('memory/berth/b/memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n');
    expect(wasOomKilled('/berth/a', { cgroupRoot: root })).toBe(true);
    expect(wasOomKilled('/berth/b', { cgroupRoot: root })).toBe(false);
  });

  it('cgroup v2 must read oom_kill from memory.events', () => {
    write('cgroup.controllers', 'memory pids\n');
    write('berth/a/memory.events', 'low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n');
    write('berth/b/memory.events', 'low 0\nhigh 0\nmax 7\noom 0\noom_kill 0\n');
    expect(wasOomKilled('/berth/a', { cgroupRoot: root })).toBe(true);
    expect(wasOomKilled('/berth/b', { cgroupRoot: root })).toBe(false);
  });

  it('a cgroup that is gone must count as not killed', () => {
    expect(wasOomKilled('/berth/none', { cgroupRoot: root })).toBe(false);
  });
});
