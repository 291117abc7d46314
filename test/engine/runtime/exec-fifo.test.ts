// Real runc and conmon: a created container started through runc's exec.fifo, without a `runc start` process,
// must end up exactly as `runc start` leaves it, and a start must never hang on an init that died.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startByExecFifo } from '../../../src/engine/runtime/exec-fifo.js';
import { Runc } from '../../../src/engine/runtime/runc.js';
import { RuntimeSandbox, waitForExit } from './sandbox.js';

let sb: RuntimeSandbox;
beforeEach(() => {
  sb = new RuntimeSandbox();
});
afterEach(async () => {
  await sb.dispose();
});

const stateDir = (id: string): string => join(sb.runc.root, id);

describe('starting through exec.fifo', () => {
  it('a created container must run its process, be "running" to runc and have no fifo left', async () => {
    const c = await sb.create({ Cmd: ['sleep', '30'] });
    expect(existsSync(join(stateDir(c.id), 'exec.fifo'))).toBe(true);
    expect(await startByExecFifo(stateDir(c.id))).toBe('started');
    expect((await sb.runc.state(c.id))?.status).toBe('running');
    expect(existsSync(join(stateDir(c.id), 'exec.fifo'))).toBe(false);
    // The process has exec'd when the start returns: its command line is the container's, no longer runc init.
    expect(readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0')).toEqual(['sleep', '30', '']);
  });

  it('Runc.start must start through the fifo with no runc process, and run `runc start` once there is no fifo', async () => {
    // A runc that logs its commands: the start of a created container must not show up in it.
    const wrapper = join(sb.base, 'runc-logging');
    const calls = join(sb.base, 'runc-calls');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> ${calls}\nexec ${sb.runc.binary} "$@"\n`, { mode: 0o755 });
    const runc = new Runc({ root: sb.runc.root, binary: wrapper });
    const c = await sb.create({ Cmd: ['sleep', '30'] });
    await runc.start(c.id);
    expect((await sb.runc.state(c.id))?.status).toBe('running');
    expect(existsSync(calls)).toBe(false);
    await expect(runc.start(c.id)).rejects.toMatchObject({ kind: 'conflict' });
    expect(readFileSync(calls, 'utf8')).toMatch(new RegExp(`\\bstart ${c.id}\\n$`));
  });

  it('a short-lived process must write its log and reach its exit code through the fifo start', async () => {
    const c = await sb.create({ Cmd: ['sh', '-c', 'echo started; exit 7'] });
    await sb.runc.start(c.id);
    expect(await waitForExit(c)).toBe(7);
    expect(readFileSync(c.logPath, 'utf8')).toContain('stdout F started');
  });

  it('a started container must be "unavailable" to the fifo and refused by Runc.start with kind "conflict"', async () => {
    const c = await sb.create({ Cmd: ['sleep', '30'] });
    await sb.runc.start(c.id);
    expect(await startByExecFifo(stateDir(c.id))).toBe('unavailable');
    await expect(sb.runc.start(c.id)).rejects.toMatchObject({ kind: 'conflict' });
  });

  it('an unknown container must be "unavailable" to the fifo and "not-found" to Runc.start', async () => {
    expect(await startByExecFifo(stateDir('no-such-container'))).toBe('unavailable');
    await expect(sb.runc.start('no-such-container')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('a created container whose init was killed must fail the start within a second, not hang', async () => {
    const c = await sb.create({ Cmd: ['sleep', '30'] });
    await sb.runc.kill(c.id, 'KILL');
    await waitForExit(c);
    const t = Date.now();
    await expect(sb.runc.start(c.id)).rejects.toThrow(/already dead|has stopped|not running/);
    expect(Date.now() - t).toBeLessThan(1000);
  });
});
