// Dockerfile builds on berthd: each needed stage from its base image, one step per instruction, each step an image
// found again by its cache key (parent image + instruction after substitution + content hash of copied files),
// so a rebuild runs only the steps from the first change on. Output in the words of dockerd's classic builder.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lifecycle } from '../containers/lifecycle.js';
import { sha256Of } from '../content/digest.js';
import { EngineError, isEngineError } from '../errors.js';
import type { ImageRecord, ImageStore } from '../images/image-store.js';
import { type GivenArgs, StageArgs, globalArgs, unusedArgs } from './build-args.js';
import type { BuildOptions } from './build-options.js';
import type { BuildOutput } from './build-output.js';
import { type CopyContext, copyStep } from './copy-step.js';
import type { Dockerfile, Instruction, Stage } from './dockerfile/index.js';
import { expandWord, parseDockerfile, runCommandOf } from './dockerfile/index.js';
import type { ContextDigests } from './context/context-digests.js';
import { type BuildConfig, applySettings, shellOf } from './image-settings.js';
import { type LayerTarProgress, type WrittenLayer, layerFilesOf } from './layer-tar.js';
import { type HostTrust, type RunTrust, prepareHostTrust, trustEnv } from './host-trust.js';
import { readDockerfile } from './read-dockerfile.js';
import { runStep } from './run-step.js';
import { neededStages, stageByRef } from './stages.js';

/** How often a step that writes or commits a big layer says how far it got. */
const PROGRESS_MS = 5000;

export interface BuilderDeps {
  images: ImageStore;
  lifecycle: Lifecycle;
  /** The host CA files RUN steps get (berthd's setting; none: RUN steps get no host CA). */
  hostTrust?: HostTrust;
  /**
   * Pulls a FROM image that is missing (or every FROM image with `--pull`), printing its progress on `out`, and
   * returns what it stored; without it, a missing FROM image fails the build.
   */
  pullBase?: (ref: string, out: BuildOutput) => Promise<ImageRecord>;
}

/** One build's inputs: the unpacked context, a scratch folder of its own, the options, where progress goes. */
export interface BuildRun {
  contextDir: string;
  /** What unpacking the context learned of its files (saves COPY reading them back to hash them). */
  contextDigests?: ContextDigests;
  workDir: string;
  options: BuildOptions;
  out: BuildOutput;
  signal?: AbortSignal;
  /** The host's CAs for RUN steps (set by buildImage from BuilderDeps.hostTrust). */
  trust?: RunTrust;
}

/** The state of the stage being built: its image so far and the settings the next step starts from. */
interface StageState {
  image?: ImageRecord;
  config: BuildConfig;
  cmdSet: boolean;
  args: StageArgs;
}

/** Builds the image and tags it; returns it. A failure leaves the tags as they were. */
export async function buildImage(deps: BuilderDeps, request: BuildRun): Promise<ImageRecord> {
  const trust = deps.hostTrust === undefined ? undefined : await prepareHostTrust(deps.hostTrust, request.workDir);
  const run: BuildRun = { ...request, trust };
  const { options, out } = run;
  const df = await readDockerfile(run.contextDir, options.dockerfile);
  const used = new Set<string>();
  const given: GivenArgs = options.buildArgs;
  const expand = (word: string, vars: ReadonlyMap<string, string>): string => expandWord(word, vars, df.escape);
  const globals = globalArgs(df.globalArgs, given, expand, used);
  const globalVars = new Map([...globals].filter((e): e is [string, string] => e[1] !== undefined));
  const fromImage = (s: Stage): string => expand(s.from.image, globalVars);
  const stages = neededStages(df, options.target, fromImage);
  const total = stages.reduce((n, s) => n + 1 + s.instructions.length, 0) + (hasLabels(options) ? 1 : 0);
  const results = new Map<number, ImageRecord | undefined>();
  const counter = { step: 0, total };
  let last: ImageRecord | undefined;
  for (const stage of stages) {
    const isLast = stage === stages[stages.length - 1];
    const args = new StageArgs(given, globals, used);
    const state = await startStage(deps, run, { df, stage, ref: fromImage(stage), results, counter, args });
    const onbuild = state.config.OnBuild ?? [];
    if (onbuild.length > 0) {
      out.line(`# Executing ${onbuild.length} build trigger${onbuild.length === 1 ? '' : 's'}\n`);
      const triggers = parseDockerfile(`FROM scratch\n${onbuild.join('\n')}\n`, `${df.file} (ONBUILD of the base)`);
      state.config = { ...state.config, OnBuild: null };
      for (const ins of triggers.stages[0]?.instructions ?? []) await step(deps, run, { df, ins, state, results });
    }
    for (const ins of stage.instructions) {
      counter.step++;
      out.line(`Step ${counter.step}/${counter.total} : ${ins.original}\n`);
      await step(deps, run, { df, ins, state, results });
    }
    if (isLast && hasLabels(options)) {
      counter.step++;
      const pairs = Object.entries(options.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      out.line(`Step ${counter.step}/${counter.total} : LABEL ${pairs.join(' ')}\n`);
      const labels = { ...(state.config.Labels ?? {}), ...options.labels };
      await commitSettings(deps, run, state, {
        config: { ...state.config, Labels: labels },
        createdBy: `LABEL ${pairs.join(' ')}`,
      });
    }
    results.set(stage.index, state.image);
    last = state.image;
  }
  if (last === undefined) {
    throw new EngineError('invalid', 'ENGINE_BUILD_EMPTY', 'the build produced no image (FROM scratch with no step)', {
      hint: 'add a COPY or another instruction after FROM scratch',
    });
  }
  const unused = unusedArgs(given, used);
  if (unused.length > 0) out.line(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
  out.imageId(last.id);
  out.line(`Successfully built ${short(last.id)}\n`);
  if (options.tags.length > 0) {
    deps.images.tagAll(last.id, options.tags);
    for (const tag of options.tags) out.line(`Successfully tagged ${tagName(tag)}\n`);
  }
  return last;
}

async function startStage(
  deps: BuilderDeps,
  run: BuildRun,
  at: {
    df: Dockerfile;
    stage: Stage;
    ref: string;
    results: Map<number, ImageRecord | undefined>;
    counter: { step: number; total: number };
    args: StageArgs;
  },
): Promise<StageState> {
  const { stage, counter } = at;
  let ref = at.ref;
  counter.step++;
  run.out.line(`Step ${counter.step}/${counter.total} : ${stage.from.original}\n`);
  let image: ImageRecord | undefined;
  const previous = stageByRef(at.df, ref, stage.index);
  if (previous && !/^\d+$/.test(ref)) image = at.results.get(previous.index);
  else if (ref.toLowerCase() !== 'scratch') {
    if (ref === '') throw located(at.df, stage.from.at, 'FROM names no image', 'write FROM <image>[:tag]');
    // A locked build names its bases by digest: the tag is read as the lock pinned it, whatever it names now.
    const pinned = run.options.pinnedFrom[ref];
    if (pinned !== undefined) run.out.line(` ---> pinned to ${pinned}\n`);
    ref = pinned ?? ref;
    image = deps.images.resolve(ref);
    // As dockerd's classic builder: a missing base is pulled, and --pull pulls a newer one of every base.
    if ((image === undefined || run.options.pull) && deps.pullBase) {
      const pullBase = deps.pullBase;
      image = await pullBase(ref, run.out).catch((e: unknown) => {
        if (!isEngineError(e)) throw e;
        const where = `${at.df.file}:${stage.from.at.line}:${stage.from.at.column}`;
        throw new EngineError(e.kind, e.code, `${where}: FROM "${ref}": ${e.message}`, { hint: e.hint, cause: e });
      });
    }
    if (image === undefined) {
      throw located(
        at.df,
        stage.from.at,
        `FROM "${ref}": no such image on this engine`,
        `pull it first (docker pull ${ref}), load it with docker load or build it, then build again`,
        'not-found',
      );
    }
  }
  run.out.line(image ? ` ---> ${short(image.id)}\n` : ' ---> scratch\n');
  const config: BuildConfig = { ...((image?.config.config as BuildConfig | undefined) ?? {}) };
  return { image, config, cmdSet: false, args: at.args };
}

async function step(
  deps: BuilderDeps,
  run: BuildRun,
  at: { df: Dockerfile; ins: Instruction; state: StageState; results: Map<number, ImageRecord | undefined> },
): Promise<void> {
  const { df, ins, state } = at;
  const vars = state.args.vars(state.config.Env ?? []);
  const expand = (word: string): string => expandWord(word, vars, df.escape);
  try {
    if (ins.kind === 'ARG') {
      for (const a of ins.args) state.args.declare(a.name, a.default === undefined ? undefined : expand(a.default));
      run.out.line(` ---> ${state.image ? short(state.image.id) : 'scratch'}\n`);
      return;
    }
    if (ins.kind === 'RUN') return await runInstruction(deps, run, { df, ins, state });
    if (ins.kind === 'COPY' || ins.kind === 'ADD') {
      const ctx: CopyContext = {
        images: deps.images,
        contextDir: run.contextDir,
        contextDigests: run.contextDigests,
        workDir: run.workDir,
        stageImage: (ref) => {
          const s = stageByRef(df, ref, Number.MAX_SAFE_INTEGER);
          return s === undefined ? { found: false } : { found: true, image: at.results.get(s.index) };
        },
      };
      const prepared = await copyStep(ctx, { ins, config: state.config, expand, parent: state.image });
      try {
        await cachedOrRun(deps, run, state, {
          createdBy: prepared.createdBy,
          make: async (progress) => {
            const layer = await prepared.apply(run.options.sourceDateEpoch ?? 0, progress);
            return { layer, config: state.config };
          },
        });
      } finally {
        await prepared.close();
      }
      return;
    }
    const change = applySettings(ins, state.config, { expand, cmdSet: state.cmdSet, file: df.file });
    if (change === undefined) throw new Error(`no dispatcher for ${ins.kind}`);
    if (ins.kind === 'CMD') state.cmdSet = true;
    await commitSettings(deps, run, state, change);
  } catch (e) {
    throw isEngineError(e) && !e.message.startsWith(`${df.file}:`) ? locatedFrom(e, df, ins) : e;
  }
}

async function runInstruction(
  deps: BuilderDeps,
  run: BuildRun,
  at: { df: Dockerfile; ins: Extract<Instruction, { kind: 'RUN' }>; state: StageState },
): Promise<void> {
  const { ins, state } = at;
  if (state.image === undefined) {
    throw located(
      at.df,
      ins.at,
      'RUN needs a base image with a shell; this stage is FROM scratch',
      'COPY files in, or use a base image',
    );
  }
  const { argv, binds } = await runArgv(ins, state.config, run.workDir);
  const env = state.config.Env ?? [];
  const args = state.args.runArgs(env);
  // Neither in the history nor in the cache key: the machine's proxies and CAs (see host-trust.ts).
  const machine = [...state.args.proxyArgs(env).map(([k, v]) => `${k}=${v}`), ...(run.trust ? trustEnv(env) : [])];
  const prefix = args.length > 0 ? `|${args.length} ${args.map(([k, v]) => `${k}=${v}`).join(' ')} ` : '';
  const createdBy = `RUN ${prefix}${argv.join(' ')}`;
  const parent = state.image;
  await cachedOrRun(deps, run, state, {
    createdBy,
    extraKey: run.options.networkMode,
    make: async (progress) => {
      const layer = await runStep(deps.lifecycle, {
        progress,
        parentId: parent.id,
        argv,
        binds: run.trust ? [...binds, run.trust.bind] : binds,
        env: [...env, ...args.map(([k, v]) => `${k}=${v}`), ...machine],
        config: state.config,
        networkMode: run.options.networkMode,
        layerFile: join(run.workDir, `layer-${randomBytes(6).toString('hex')}.tar`),
        mtime: run.options.sourceDateEpoch ?? 0,
        where: `${at.df.file}:${ins.at.line}`,
        signal: run.signal,
        onOutput: (text) => run.out.raw(text),
        onContainer: (id) => run.out.line(` ---> Running in ${id.slice(0, 12)}\n`),
      });
      return { layer, config: state.config };
    },
  });
}

/**
 * RUN's command (runCommandOf applies Docker's heredoc rules): exec form as is, shell form through the stage's
 * shell, and a heredoc script with a #! line as a file of its own, mounted under /dev/pipes as BuildKit does.
 */
async function runArgv(
  ins: Extract<Instruction, { kind: 'RUN' }>,
  config: BuildConfig,
  workDir: string,
): Promise<{ argv: string[]; binds: string[] }> {
  const command = runCommandOf(ins);
  if (command.kind === 'exec') return { argv: command.args, binds: [] };
  if (command.kind === 'shell') return { argv: [...shellOf(config), command.command], binds: [] };
  const dir = join(workDir, `script-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { mode: 0o755 });
  await writeFile(join(dir, command.name), command.content, { mode: 0o755 });
  return { argv: [`/dev/pipes/${command.name}`], binds: [`${join(dir, command.name)}:/dev/pipes/${command.name}:ro`] };
}

async function commitSettings(
  deps: BuilderDeps,
  run: BuildRun,
  state: StageState,
  change: { config: BuildConfig; createdBy: string; author?: string },
): Promise<void> {
  await cachedOrRun(deps, run, state, {
    createdBy: change.createdBy,
    make: async () => ({ config: change.config, author: change.author }),
  });
}

/**
 * The step's image from the cache when a step with this key was built on this parent (and --no-cache is off),
 * else made by `make` and committed with the key.
 */
async function cachedOrRun(
  deps: BuilderDeps,
  run: BuildRun,
  state: StageState,
  stepDef: {
    createdBy: string;
    extraKey?: string;
    make: (progress: LayerTarProgress) => Promise<{ layer?: WrittenLayer; config: BuildConfig; author?: string }>;
  },
): Promise<void> {
  const parentId = state.image?.id;
  // The fixed time is part of the key: a step cached under another time would carry that time into the image.
  const epoch = run.options.sourceDateEpoch;
  const keyParts = [parentId ?? 'scratch', stepDef.createdBy, stepDef.extraKey ?? ''];
  const key = sha256Of(JSON.stringify(epoch === undefined ? keyParts : [...keyParts, epoch]));
  const cached = run.options.noCache ? undefined : deps.images.findBuildStep(parentId, key);
  if (cached) {
    run.out.line(' ---> Using cache (CACHED)\n');
    state.image = cached;
    state.config = { ...((cached.config.config as BuildConfig | undefined) ?? {}) };
    run.out.line(` ---> ${short(cached.id)}\n`);
    return;
  }
  const progress: LayerTarProgress = { entries: 0, bytes: 0 };
  const phase = { committing: false, since: 0 };
  // A big layer takes seconds to write and commit, with nothing else to show: a line every few seconds says so.
  const ticker = setInterval(() => {
    if (phase.committing) {
      run.out.line(` ---> committing the layer (${Math.round((Date.now() - phase.since) / 1000)} s)\n`);
    } else if (progress.entries > 0) {
      run.out.line(` ---> writing the layer: ${progress.entries} entries, ${megabytes(progress.bytes)} MB\n`);
    }
  }, PROGRESS_MS);
  let image: ImageRecord;
  let made: Awaited<ReturnType<typeof stepDef.make>>;
  try {
    made = await stepDef.make(progress);
    phase.committing = true;
    phase.since = Date.now();
    // RFC 3339 as Go prints it (no zero fraction), so that inspect shows what dockerd would.
    const created = new Date(epoch === undefined ? Date.now() : epoch * 1000).toISOString().replace('.000Z', 'Z');
    image = await deps.images.commit({
      parent: state.image,
      layer: made.layer === undefined ? undefined : { ...made.layer, files: layerFilesOf(made.layer.file) },
      config: made.config,
      history: { created, created_by: stepDef.createdBy },
      author: made.author ?? state.image?.config.author,
      buildKey: key,
    });
  } finally {
    clearInterval(ticker);
  }
  state.image = image;
  state.config = { ...made.config };
  run.out.line(` ---> ${short(image.id)}\n`);
}

function hasLabels(options: BuildOptions): boolean {
  return Object.keys(options.labels).length > 0;
}

function located(
  df: Dockerfile,
  at: { line: number; column: number },
  why: string,
  hint: string,
  kind: 'invalid' | 'not-found' = 'invalid',
): EngineError {
  return new EngineError(kind, 'ENGINE_DOCKERFILE_INVALID', `${df.file}:${at.line}:${at.column}: ${why}`, { hint });
}

function locatedFrom(e: EngineError, df: Dockerfile, ins: Instruction): EngineError {
  return new EngineError(e.kind, e.code, `${df.file}:${ins.at.line}:${ins.at.column}: ${e.message}`, {
    hint: e.hint,
    cause: e,
  });
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}

function short(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** docker prints tags in their familiar form with a tag: "app" → "app:latest". */
function tagName(tag: string): string {
  return /:[^/]+$/.test(tag) ? tag : `${tag}:latest`;
}
