// Real runc and conmon: containers on an overlay of a busybox root file system, each test in its own sandbox
// (runc root, exit dir, bundles, cgroups), all removed in afterEach whatever the outcome.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHardLimits } from '../../../src/engine/runtime/host-limits.js';
import { readLogs } from '../../../src/engine/runtime/k8s-log.js';
import type { LogEntry } from '../../../src/engine/runtime/k8s-log.js';
import { hasConmonOomFile, wasOomKilled } from '../../../src/engine/runtime/oom.js';
import type { OciProcess } from '../../../src/engine/runtime/oci-types.js';
import { RuntimeSandbox, waitForExit } from './sandbox.js';
import type { TestContainer } from './sandbox.js';

let sb: RuntimeSandbox;
beforeEach(() => {
  sb = new RuntimeSandbox();
});
afterEach(async () => {
  await sb.dispose();
});

async function logOf(c: TestContainer): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of readLogs(c.logPath)) out.push(e);
  return out;
}

function execProcess(args: string[]): OciProcess {
  return { args, env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 } };
}

function collect(child: ChildProcess): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

describe('containers under conmon', () => {
  it('a container that echoes "hi" must log it in k8s-file format and exit 0', async () => {
    const c = await sb.create({ Cmd: ['echo', 'hi'] });
    expect((await sb.runc.state(c.id))?.status).toBe('created');
    await sb.runc.start(c.id);
    expect(await waitForExit(c)).toBe(0);
    expect(readFileSync(c.logPath, 'utf8')).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d) stdout F hi\n$/,
    );
    expect(await logOf(c)).toMatchObject([{ stream: 'stdout', partial: false, text: 'hi' }]);
    expect(readFileSync(join(c.persistDir, 'exit'), 'utf8')).toBe('0');
    expect(hasConmonOomFile(c.persistDir)).toBe(false);
    expect((await sb.runc.state(c.id))?.status).toBe('stopped');
  });

  it('the process must run with the user, hostname, env, capabilities, read-only root and clamped ulimits of its spec', async () => {
    const script =
      'id -u; id -g; hostname; echo $GREETING; ulimit -n; grep CapBnd /proc/self/status; cat /proc/kcore | wc -c; touch /x || echo ro';
    const c = await sb.create(
      { Cmd: ['sh', '-c', script], User: 'nobody', Env: ['GREETING=hello'] },
      {
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        CapAdd: ['KILL'],
        SecurityOpt: ['no-new-privileges'],
        Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1 << 30 }],
      },
    );
    await sb.runc.start(c.id);
    expect(await waitForExit(c)).toBe(0);
    const out = (await logOf(c)).filter((e) => e.stream === 'stdout').map((e) => e.text);
    const hardNofile = readHardLimits().RLIMIT_NOFILE ?? 0;
    expect(out).toEqual([
      '65534',
      '65534',
      c.spec.hostname,
      'hello',
      String(Math.min(1024, hardNofile)),
      'CapBnd:\t0000000000000020',
      '0',
      'ro',
    ]);
  });

  it('the exit code of the process must reach the exit file (sh -c "exit 3" gives 3)', async () => {
    const c = await sb.create({ Cmd: ['sh', '-c', 'echo oops >&2; exit 3'] });
    await sb.runc.start(c.id);
    expect(await waitForExit(c)).toBe(3);
    expect(await logOf(c)).toMatchObject([{ stream: 'stderr', text: 'oops' }]);
  });

  it('a sleeping container with init must stop on SIGTERM and end stopped', async () => {
    const c = await sb.create({ Cmd: ['sleep', '60'] }, { Init: true });
    await sb.runc.start(c.id);
    expect((await sb.runc.state(c.id))?.status).toBe('running');
    await sb.runc.kill(c.id, 'SIGTERM');
    expect(await waitForExit(c)).toBe(143);
    expect((await sb.runc.state(c.id))?.status).toBe('stopped');
  });

  it('SIGKILL to every process must end a container whose pid 1 ignores SIGTERM, with 137', async () => {
    const c = await sb.create({ Cmd: ['sleep', '60'] });
    await sb.runc.start(c.id);
    await sb.runc.kill(c.id, 'KILL', { all: true });
    expect(await waitForExit(c)).toBe(137);
  });

  it('exec must return the output and exit code of the process it runs', async () => {
    const c = await sb.create({ Cmd: ['sleep', '60'] });
    await sb.runc.start(c.id);
    expect(await collect(sb.runc.exec(c.id, execProcess(['echo', 'inside'])))).toMatchObject({
      code: 0,
      stdout: 'inside\n',
    });
    expect((await collect(sb.runc.exec(c.id, execProcess(['sh', '-c', 'exit 5'])))).code).toBe(5);
    const tty = await collect(
      sb.runc.exec(c.id, execProcess(['sh', '-c', '[ -t 1 ] && echo tty; exit 4']), { tty: true }),
    );
    expect(tty).toMatchObject({ code: 4, stdout: 'tty\r\n' });
    const missing = await collect(sb.runc.exec(c.id, execProcess(['no-such-command'])));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no-such-command/);
  });

  it('ps, pause, resume and stats must report on a running container', async () => {
    const c = await sb.create({ Cmd: ['sleep', '60'] });
    await sb.runc.start(c.id);
    expect(await sb.runc.ps(c.id)).toEqual([c.pid]);
    await sb.runc.pause(c.id);
    expect((await sb.runc.state(c.id))?.status).toBe('paused');
    await sb.runc.resume(c.id);
    expect((await sb.runc.state(c.id))?.status).toBe('running');
    const stats = await sb.runc.stats(c.id);
    expect(stats.pids?.current).toBe(1);
    expect(stats.memory?.usage?.usage).toBeGreaterThan(0);
    expect((await sb.runc.list()).map((s) => s.id)).toEqual([c.id]);
  });

  it('a process allocating past a 32 MiB memory limit must be OOM-killed (137) and wasOomKilled must say so', async () => {
    const limit = 32 * 1024 * 1024;
    // busybox sort keeps its whole input line in memory; /dev/zero has no newline, so it grows until killed.
    const c = await sb.create({ Cmd: ['sort', '/dev/zero'] }, { Memory: limit, MemorySwap: limit });
    expect(readFileSync(`/sys/fs/cgroup/memory${c.cgroupsPath}/memory.limit_in_bytes`, 'utf8').trim()).toBe(
      String(limit),
    );
    expect(wasOomKilled(c.cgroupsPath)).toBe(false);
    await sb.runc.start(c.id);
    expect(await waitForExit(c, 20_000)).toBe(137);
    expect(wasOomKilled(c.cgroupsPath)).toBe(true);
    expect(hasConmonOomFile(c.persistDir)).toBe(true);
  });

  it('a pids limit of 10 must make forks beyond it fail and keep the container at 10 processes', async () => {
    const c = await sb.create({ Cmd: ['sleep', '60'] }, { PidsLimit: 10 });
    expect(readFileSync(`/sys/fs/cgroup/pids${c.cgroupsPath}/pids.max`, 'utf8').trim()).toBe('10');
    await sb.runc.start(c.id);
    // ash gives up at the first failed fork, so the exec'd shell ends with an error once the limit is reached.
    const bomb = await collect(
      sb.runc.exec(c.id, execProcess(['sh', '-c', 'for i in $(seq 50); do sleep 30 >/dev/null 2>&1 & done'])),
    );
    expect(bomb.code).not.toBe(0);
    expect(bomb.stderr).toMatch(/can't fork/);
    const pids = await sb.runc.ps(c.id);
    expect(pids.length).toBeGreaterThan(2);
    expect(pids.length).toBeLessThanOrEqual(10);
    expect(readFileSync(`/sys/fs/cgroup/pids${c.cgroupsPath}/pids.events`, 'utf8')).toMatch(/^max [1-9]/);
    expect((await sb.runc.state(c.id))?.status).toBe('running');
  });

  it('rotation by --log-size-max must keep the log below the limit and readable', async () => {
    const c = await sb.create(
      { Cmd: ['sh', '-c', 'for i in $(seq 400); do echo line-$i; done'] },
      {},
      { logSizeMax: 4096 },
    );
    await sb.runc.start(c.id);
    expect(await waitForExit(c)).toBe(0);
    const entries = await logOf(c);
    expect(readFileSync(c.logPath).length).toBeLessThanOrEqual(4096);
    expect(entries.at(-1)?.text).toBe('line-400');
  });
});

describe('runtime errors', () => {
  it('an unknown container must have no state and fail kill and delete with kind "not-found"', async () => {
    expect(await sb.runc.state('no-such-container')).toBeUndefined();
    await expect(sb.runc.kill('no-such-container', 'TERM')).rejects.toMatchObject({
      kind: 'not-found',
      code: 'ENGINE_NO_SUCH_CONTAINER',
    });
    await expect(sb.runc.delete('no-such-container')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('starting a container that has stopped must fail with kind "conflict"', async () => {
    const c = await sb.create({ Cmd: ['true'] });
    await sb.runc.start(c.id);
    await waitForExit(c);
    await expect(sb.runc.start(c.id)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('a command that is not in the image must fail the create with ENGINE_EXEC_NOT_FOUND', async () => {
    await expect(sb.create({ Cmd: ['no-such-command'] })).rejects.toMatchObject({
      kind: 'invalid',
      code: 'ENGINE_EXEC_NOT_FOUND',
    });
  });
});
