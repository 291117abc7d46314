// The EngineClient contract for what streams: following logs to the end, attaching with stdin, events up to
// `until`, and exec instances that run once.
import { expect, it } from 'vitest';
import { demultiplex } from '../../src/client/stdcopy.js';
import type { EngineEvent } from '../../src/client/types.js';
import type { Connect, ContractOptions } from './contract-session.js';
import { collect, withSession } from './contract-session.js';

export function streamContract(connect: Connect, opts: ContractOptions): void {
  it('logs with follow run until the container stops, with what it wrote', () =>
    withSession(connect, async (s) => {
      const name = s.name('follow');
      await s.create(name, ['sh', '-c', 'echo ready; sleep 1000']);
      await s.engine.containers.start(name);
      const followed = collect(s.engine.containers.logs(name, { follow: true }));
      await new Promise((r) => setTimeout(r, 300));
      await s.engine.containers.kill(name);
      expect(await followed).toEqual({ stdout: 'ready\n', stderr: '' });
    }));

  it('attach before the start gets the output until the exit', () =>
    withSession(connect, async (s) => {
      const name = s.name('attach-out');
      await s.create(name, ['sh', '-c', 'echo out; echo err >&2'], { AttachStdout: true, AttachStderr: true });
      const stream = await s.engine.containers.attach(name, { stdin: false, tty: false });
      const out = { stdout: '', stderr: '' };
      const reading = demultiplex(stream.output, (which, data) => (out[which] += data.toString('utf8')));
      await s.engine.containers.start(name);
      await reading;
      expect(out).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    }));

  it.skipIf(opts.gaps?.includes('attach-stdin'))(
    'attach with stdin: what is written reaches the process, and its end ends a `cat`',
    () =>
      withSession(connect, async (s) => {
        const name = s.name('attach');
        await s.create(name, ['cat'], { OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true });
        const stream = await s.engine.containers.attach(name, { stdin: true, tty: false });
        const exit = s.engine.containers.wait(name, { condition: 'next-exit' });
        await s.engine.containers.start(name);
        let out = '';
        const reading = demultiplex(stream.output, (_, data) => (out += data.toString('utf8')));
        stream.input?.write('hello\n');
        await new Promise((r) => setTimeout(r, 200));
        stream.input?.end();
        await reading;
        expect(out).toBe('hello\n');
        expect((await exit).exitCode).toBe(0);
      }),
  );

  it('events with `until` end by themselves once that time has passed', () =>
    withSession(connect, async (s) => {
      const since = String(Math.floor(Date.now() / 1000) - 1);
      const name = s.name('until');
      const id = await s.create(name, ['true']);
      const until = String(Math.ceil(Date.now() / 1000) + 1);
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 15_000);
      const seen: EngineEvent[] = [];
      for await (const e of s.engine.events({ since, until, types: ['container'] }, ac.signal)) seen.push(e);
      clearTimeout(timer);
      expect(ac.signal.aborted).toBe(false);
      expect(seen.filter((e) => e.id === id).map((e) => e.action)).toEqual(['create']);
    }));

  it('an exec runs once: starting it again is refused', () =>
    withSession(connect, async (s) => {
      const name = s.name('exec-once');
      await s.create(name, ['sleep', '1000']);
      await s.engine.containers.start(name);
      const { id } = await s.engine.exec.create(name, { cmd: ['true'], attachStdout: true });
      const first = await s.engine.exec.start(id, { tty: false });
      for await (const _ of first.output);
      const again = await s.engine.exec.start(id, { tty: false }).then(
        async (stream) => {
          let text = '';
          for await (const chunk of stream.output) text += String(chunk);
          return text;
        },
        (e: unknown) => e,
      );
      // dockerd upgrades the connection before it starts the exec (api/server/router/container/exec.go), so
      // its refusal comes as text in the stream; berthd and the fake refuse before, as a conflict.
      if (typeof again === 'string') expect(again).toMatch(/has already run|is already running/);
      else expect(again).toMatchObject({ kind: 'conflict' });
      await s.engine.containers.kill(name);
    }));
}
