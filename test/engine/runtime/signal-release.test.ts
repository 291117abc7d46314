// Stopping and forgetting a container without runc processes: a signal sent by pid once its start time matches
// (runtime/process-signal.ts), and runc's cgroups and state folder removed from its state.json (Runc.release).
// Pure parts on data; the rest on real processes and real runc containers in a sandbox of their own.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signalNumber } from '../../../src/engine/containers/signals.js';
import { parseProcStat, processStartTime, signalProcess } from '../../../src/engine/runtime/process-signal.js';
import { releasablePaths } from '../../../src/engine/runtime/runc.js';
import type { RuncStateFile } from '../../../src/engine/runtime/runc-state-file.js';
import { RuntimeSandbox, waitForExit } from './sandbox.js';

describe('start times and signal numbers', () => {
  it('reads field 22 of a stat line whose name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // fields[i] is field i + 3
    fields[22 - 3] = '987654';
    expect(parseProcStat(`4242 (a) b (c) ${fields.join(' ')}`)?.startTime).toBe('987654');
    expect(parseProcStat('4242 (sleep) S 1')).toBeUndefined();
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('names signals as Docker takes them, and leaves what Node has no number for to runc', () => {
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('term')).toBe(15);
    expect(signalNumber('KILL')).toBe(9);
    expect(signalNumber('10')).toBe(10);
    expect(signalNumber(15)).toBe(15);
    expect(signalNumber('RTMIN+3')).toBeUndefined();
    expect(signalNumber('0')).toBeUndefined();
    expect(signalNumber('99')).toBeUndefined();
    expect(signalNumber('SIGNOPE')).toBeUndefined();
  });
});

describe('signalProcess', () => {
  it('signals the process that started at that time, and never another one on the same pid', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, sig) => r(sig)));
    const pid = child.pid as number;
    try {
      const start = processStartTime(pid);
      expect(start).toMatch(/^\d+$/);
      expect(signalProcess(pid, String(Number(start) + 1), 15)).toBe('gone');
      expect(processStartTime(pid)).toBe(start); // the wrong start time left it alone
      expect(signalProcess(pid, start as string, 15)).toBe('sent');
      expect(await exited).toBe('SIGTERM');
      expect(signalProcess(pid, start as string, 9)).toBe('gone');
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('releasablePaths', () => {
  const state = (over: Partial<RuncStateFile> = {}): RuncStateFile => ({
    init_process_pid: 4242,
    init_process_start: 1234,
    cgroup_paths: {
      cpu: '/sys/fs/cgroup/cpu,cpuacct/berth/x',
      cpuacct: '/sys/fs/cgroup/cpu,cpuacct/berth/x',
      memory: '/sys/fs/cgroup/memory/berth/x',
    },
    config: { namespaces: [{ type: 'NEWNET', path: '/run/netns/x' }, { type: 'NEWPID' }], hooks: null },
    ...over,
  });
  const ended = (): string | undefined => undefined;

  it('gives each cgroup folder once for a stopped container in a pid namespace of its own', () => {
    expect(releasablePaths(state(), ended)).toEqual([
      '/sys/fs/cgroup/cpu,cpuacct/berth/x',
      '/sys/fs/cgroup/memory/berth/x',
    ]);
  });

  it('leaves it to runc delete when processes may be left, hooks must run, or the file is not as expected', () => {
    const joined = { namespaces: [{ type: 'NEWPID', path: '/proc/1/ns/pid' }] };
    expect(releasablePaths(state({ config: joined }), ended)).toBeUndefined();
    expect(releasablePaths(state({ config: { namespaces: [{ type: 'NEWNET' }] } }), ended)).toBeUndefined();
    const hooks = { namespaces: [{ type: 'NEWPID' }], hooks: { poststop: [{ path: '/x' }] } };
    expect(releasablePaths(state({ config: hooks }), ended)).toBeUndefined();
    expect(releasablePaths(state(), (pid) => (pid === 4242 ? '1234' : undefined))).toBeUndefined(); // init runs
    expect(releasablePaths(state({ cgroup_paths: { memory: '/etc' } }), ended)).toBeUndefined();
    expect(releasablePaths(state({ cgroup_paths: {} }), ended)).toBeUndefined();
    expect(releasablePaths(state({ init_process_pid: undefined }), ended)).toBeUndefined();
  });
});

describe('Runc.release on real containers', () => {
  let sb: RuntimeSandbox;
  beforeEach(() => {
    sb = new RuntimeSandbox();
  });
  afterEach(async () => {
    await sb.dispose();
  });

  const cgroupDirs = (cgroupsPath: string): string[] =>
    readdirSync('/sys/fs/cgroup')
      .map((controller) => join('/sys/fs/cgroup', controller, cgroupsPath))
      .filter((dir) => existsSync(dir));

  it('a container killed by pid is forgotten: its cgroups and runc state go, and runc no longer knows it', async () => {
    const c = await sb.create({ Cmd: ['sleep', '3600'] });
    const start = processStartTime(c.pid) as string;
    const stateFile = JSON.parse(readFileSync(join(sb.runc.root, c.id, 'state.json'), 'utf8')) as RuncStateFile;
    expect(String(stateFile.init_process_start)).toBe(start); // runc's guard and ours read the same value
    expect(releasablePaths(stateFile)).toBeUndefined(); // its init still runs
    await sb.runc.start(c.id);
    expect(cgroupDirs(c.cgroupsPath).length).toBeGreaterThan(0);
    expect(signalProcess(c.pid, start, 9)).toBe('sent');
    expect(await waitForExit(c)).toBe(137);
    const after = JSON.parse(readFileSync(join(sb.runc.root, c.id, 'state.json'), 'utf8')) as RuncStateFile;
    expect(releasablePaths(after)?.sort()).toEqual(cgroupDirs(c.cgroupsPath).sort()); // no runc delete needed
    await sb.runc.release(c.id);
    expect(cgroupDirs(c.cgroupsPath)).toEqual([]);
    expect(existsSync(join(sb.runc.root, c.id))).toBe(false);
    expect(await sb.runc.state(c.id)).toBeUndefined();
  });

  it('a container whose process still runs is released by runc delete --force, which ends it', async () => {
    const c = await sb.create({ Cmd: ['sleep', '3600'] });
    await sb.runc.start(c.id);
    await sb.runc.release(c.id);
    expect(await waitForExit(c)).toBe(137);
    expect(cgroupDirs(c.cgroupsPath)).toEqual([]);
    expect(await sb.runc.state(c.id)).toBeUndefined();
  });
});
