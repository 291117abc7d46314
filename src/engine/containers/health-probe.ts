// One health probe: an exec in the container (so it has the exec events and the environment of `docker exec`),
// its stdout and stderr kept up to 4 KiB, killed when it outlives the timeout, as dockerd's cmdProbe does.
import type { ContainerRecord } from './container-store.js';
import type { ExecStore } from './exec-store.js';
import type { HealthLogEntry } from './health-config.js';
import { goDuration, HEALTH_OUTPUT_MAX } from './health-config.js';

/** Runs `argv` in the container; never throws: a probe that cannot run is a result with ExitCode -1. */
export async function runProbe(
  execs: ExecStore,
  c: ContainerRecord,
  opts: { argv: string[]; timeoutMs: number; signal: AbortSignal },
): Promise<HealthLogEntry> {
  const start = new Date();
  const result = (ExitCode: number, Output: string): HealthLogEntry => ({
    Start: start.toISOString(),
    End: new Date().toISOString(),
    ExitCode,
    Output,
  });
  let execId: string | undefined;
  try {
    // Docker refuses execs in a paused container; runc would block on the frozen cgroup until the timeout.
    if (c.state.Paused) return result(-1, `Container ${c.id} is paused, unpause the container before exec`);
    const exec = await execs.create(c.id, { Cmd: opts.argv, AttachStdout: true, AttachStderr: true });
    execId = exec.id;
    const child = execs.start(exec.id, { detach: false });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < HEALTH_OUTPUT_MAX) output = (output + chunk.toString('utf8')).slice(0, HEALTH_OUTPUT_MAX);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.stdin?.end();
    const closed = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => undefined;
    const outcome = await Promise.race([
      closed.then(() => 'done' as const),
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.timeoutMs))),
      new Promise<'aborted'>((resolve) => {
        onAbort = () => resolve('aborted');
        if (opts.signal.aborted) onAbort();
        else opts.signal.addEventListener('abort', onAbort);
      }),
    ]);
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
    if (outcome !== 'done') {
      // runc exec cannot pass SIGKILL on: the process in the container is killed by its host pid.
      killPid(execs.pidOf(exec));
      child.kill('SIGKILL');
      await closed; // dying probes must not pile up
      const limit = goDuration(opts.timeoutMs);
      return result(-1, `Health check exceeded timeout (${limit})${output ? `: ${output}` : ''}`);
    }
    return result(exec.exitCode ?? -1, output);
  } catch (e) {
    return result(-1, e instanceof Error ? e.message : String(e));
  } finally {
    if (execId !== undefined) execs.forget(execId);
  }
}

function killPid(pid: number): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
