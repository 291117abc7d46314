// RUN: the command runs in a container of berthd on the image so far, as dockerd's classic builder does; what it
// changed in the container's writable layer becomes the step's layer. The container is removed in any case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lifecycle } from '../containers/lifecycle.js';
import { EngineError } from '../errors.js';
import { readLogs } from '../runtime/k8s-log.js';
import type { BuildConfig } from './image-settings.js';
import { type LayerTarProgress, type WrittenLayer, layerFilesOf, writeLayerTar } from './layer-tar.js';
import { networkHint } from './network-hint.js';
import { claimUpper, upperFolderOf } from './claim-upper.js';

/** One RUN to execute. `env` is the image's environment plus the stage's build args; `argv` the whole command. */
export interface RunStep {
  parentId: string;
  argv: string[];
  /** Host files to mount read-only ("host:container:ro"), for heredoc scripts. */
  binds: string[];
  env: string[];
  config: BuildConfig;
  networkMode: string;
  /** Where to write the layer tar. */
  layerFile: string;
  mtime: number;
  /** The instruction, for error messages ("Dockerfile:7: RUN make"). */
  where: string;
  onOutput: (text: string) => void;
  onContainer: (id: string) => void;
  /** Counts of the layer written so far, for progress lines. */
  progress?: LayerTarProgress;
  /** Aborting kills the command (the client went away). */
  signal?: AbortSignal;
}

/** Marks a RUN step's container; the container's labels never reach the image (its config is the build's). */
export const STEP_LABEL = 'berth.build.step';

/**
 * Removes every RUN step container (berthd start: no build runs, so any is left by a build that a crash cut short).
 */
export async function removeStepContainers(lifecycle: Lifecycle): Promise<void> {
  for (const c of lifecycle.deps.store.all()) {
    if ((c.config.Labels as Record<string, string> | undefined)?.[STEP_LABEL] !== 'true') continue;
    await lifecycle.remove(c.id, { force: true, volumes: true }).catch((e: unknown) => {
      lifecycle.deps.log(`removing build step container ${c.id}: ${String(e)}`);
    });
  }
}

/** The layer file when the command changed files, or undefined; a failing command is invalid ENGINE_BUILD_RUN_FAILED. */
export async function runStep(lifecycle: Lifecycle, step: RunStep): Promise<WrittenLayer | undefined> {
  const { Id: id } = await lifecycle.create(undefined, {
    Image: step.parentId,
    Cmd: step.argv,
    Entrypoint: [],
    Env: step.env,
    WorkingDir: step.config.WorkingDir ?? '',
    User: step.config.User ?? '',
    Healthcheck: { Test: ['NONE'] }, // no health checks during a build step
    Labels: { [STEP_LABEL]: 'true' }, // so that a restart finds the step containers a crash left
    HostConfig: { NetworkMode: step.networkMode, AutoRemove: false, Binds: step.binds },
  });
  step.onContainer(id);
  const kill = (): void => void lifecycle.kill(id).catch(() => undefined);
  step.signal?.addEventListener('abort', kill);
  try {
    const tail: string[] = [];
    await lifecycle.start(id);
    const c = lifecycle.deps.store.get(id);
    for await (const entry of readLogs(lifecycle.paths(c).logPath, {
      follow: true,
      isDone: () => !lifecycle.deps.store.find(id)?.state.Running,
      wake: (notify) =>
        lifecycle.deps.events.subscribe((e) => {
          if (e.Type === 'container' && e.Actor.ID === id && e.Action === 'die') notify();
        }),
    })) {
      const text = `${entry.text}${entry.partial ? '' : '\n'}`;
      step.onOutput(text);
      tail.push(text);
      if (tail.length > 20) tail.shift();
    }
    const code = (await lifecycle.waitExit(id)).state.ExitCode;
    if (step.signal?.aborted) {
      throw new EngineError('unavailable', 'ENGINE_BUILD_CANCELLED', `${step.where}: the build was cancelled`);
    }
    if (code !== 0) {
      const command = step.argv.join(' ');
      throw new EngineError(
        'invalid',
        'ENGINE_BUILD_RUN_FAILED',
        `${step.where}: The command '${command}' returned a non-zero code: ${code}`,
        { hint: failureHint(tail.join('')) },
      );
    }
    const paths = lifecycle.paths(c);
    // The container's upper folder becomes the layer itself when it can be taken over (see claim-upper.ts).
    const claimed = await claimUpper(paths.rootfs, paths.upper, upperFolderOf(step.layerFile));
    const written = await writeLayerTar(claimed ?? paths.upper, step.layerFile, {
      mtime: step.mtime,
      ...(claimed === undefined ? { linkInto: layerFilesOf(step.layerFile) } : { settle: true }),
      progress: step.progress,
      skip: mountPoints(join(lifecycle.deps.store.dirOf(id), 'config.json')),
    });
    return written.entries > 0 ? { ...written, file: step.layerFile } : undefined;
  } finally {
    step.signal?.removeEventListener('abort', kill);
    await lifecycle.remove(id, { force: true, volumes: true });
  }
}

/** The mount destinations of the container's OCI spec, relative: the runtime's, not the command's, files. */
function mountPoints(specFile: string): Set<string> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { mounts?: Array<{ destination: string }> };
  return new Set((spec.mounts ?? []).map((m) => m.destination.replace(/^\/+/, '').replace(/\/+$/, '')));
}

/** The failed command's last output, and what to check when it shows a network error. */
function failureHint(tail: string): string {
  const output = tail.trimEnd();
  const network = networkHint(output);
  const shown = output === '' ? 'it printed nothing' : `its last output:\n${output}`;
  return network === undefined ? shown : `${shown}\n${network}`;
}
