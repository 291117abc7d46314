// Builds in the in-memory engine: a small Dockerfile interpreter over the context tar, enough for the builds
// tests make. FROM (a local image), LABEL, ENV, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE change the config; COPY and
// ADD copy context files; RUN runs through process.ts, so `RUN exit 3` fails the build with dockerd's message.
// Anything else is taken as it comes and changes nothing. The request's labels and tags apply last.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { readTarFiles } from './tar-files.js';
import { EngineError } from '../errors.js';
import type { BuildRequest } from '../types.js';
import { imageFiles } from './container-files.js';
import { addImage } from './images.js';
import { runCommand, splitWords } from './process.js';
import type { MemoryFile, MemoryState } from './state.js';
import { normalizeTag } from './state.js';

interface Stage {
  config: Record<string, unknown>;
  files: Map<string, MemoryFile>;
}

/** A failed build, as the Docker client reports one: kind "invalid", code ENGINE_BUILD_FAILED. */
const failed = (message: string): EngineError => new EngineError('invalid', 'ENGINE_BUILD_FAILED', message);

export async function buildImage(s: MemoryState, req: BuildRequest): Promise<{ id: string }> {
  const context = await readContext(req.context);
  const dockerfile = context.get(req.dockerfile ?? 'Dockerfile');
  if (dockerfile === undefined) throw failed(`Cannot locate specified Dockerfile: ${req.dockerfile ?? 'Dockerfile'}`);
  const tags = req.tags ?? [];
  s.record('images.build', tags.join(' '));
  let stage: Stage | undefined;
  let step = 0;
  const lines = instructions(dockerfile.toString('utf8'));
  for (const [keyword, args] of lines) {
    step += 1;
    req.onProgress?.({ stream: `Step ${step}/${lines.length} : ${keyword} ${args}\n` });
    if (keyword === 'FROM') {
      const base = s.findImage(splitWords(args)[0] ?? '');
      if (!base)
        throw failed(`pull access denied for ${args}, repository does not exist or may require 'docker login'`);
      stage = { config: structuredClone(base.config), files: new Map([...base.files].map(([p, f]) => [p, { ...f }])) };
      continue;
    }
    if (!stage) throw failed(`no build stage in current context (${keyword} before FROM)`);
    apply(stage, keyword, args, context);
  }
  if (!stage) throw failed('the Dockerfile has no FROM');
  const labels = { ...((stage.config.Labels as Record<string, string> | undefined) ?? {}), ...(req.labels ?? {}) };
  const config = { ...stage.config, ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}) };
  const files = Object.fromEntries(
    [...stage.files].filter(([, f]) => f.type === 'file').map(([p, f]) => [p, f.content]),
  );
  const img = addImage(s, tags[0] ?? `memory-build-${s.calls.length}`, { config, files });
  for (const t of tags.slice(1)) addImage(s, t, { config, files });
  if (tags.length === 0) img.tags = [];
  for (const t of tags) s.emit('image', 'tag', img.id, { name: normalizeTag(t) });
  req.onProgress?.({ stream: `Successfully built ${img.id.slice(7, 19)}\n` });
  req.onProgress?.({ aux: { ID: img.id } });
  return { id: img.id };
}

function apply(stage: Stage, keyword: string, args: string, context: Map<string, Buffer>): void {
  const c = stage.config;
  const execForm = (): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args]);
  switch (keyword) {
    case 'LABEL':
    case 'ENV': {
      const pairs = splitWords(args).map((w) => w.split('=') as [string, string?]);
      if (keyword === 'LABEL')
        c.Labels = { ...(c.Labels as object), ...Object.fromEntries(pairs.map(([k, v]) => [k, v ?? ''])) };
      else c.Env = [...((c.Env as string[]) ?? []), ...pairs.map(([k, v]) => `${k}=${v ?? ''}`)];
      return;
    }
    case 'CMD':
      c.Cmd = execForm();
      return;
    case 'ENTRYPOINT':
      c.Entrypoint = execForm();
      return;
    case 'WORKDIR':
      c.WorkingDir = posix.resolve((c.WorkingDir as string) || '/', args);
      return;
    case 'USER':
      c.User = args;
      return;
    case 'EXPOSE':
      c.ExposedPorts = {
        ...(c.ExposedPorts as object),
        ...Object.fromEntries(splitWords(args).map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])),
      };
      return;
    case 'COPY':
    case 'ADD':
      copyFiles(
        stage,
        splitWords(args).filter((w) => !w.startsWith('--')),
        context,
      );
      return;
    case 'RUN': {
      const cmd = execForm();
      const { exitCode } = runCommand(cmd, stage.files);
      if (exitCode !== undefined && exitCode !== 0) {
        throw failed(`The command '${cmd.join(' ')}' returned a non-zero code: ${exitCode}`);
      }
      return;
    }
    default:
  }
}

function copyFiles(stage: Stage, words: string[], context: Map<string, Buffer>): void {
  const dest = words.at(-1) ?? '/';
  for (const src of words.slice(0, -1)) {
    const content = context.get(posix.normalize(src));
    if (content === undefined) throw failed(`COPY failed: file not found in build context: ${src}`);
    const target = dest.endsWith('/') ? posix.join(dest, posix.basename(src)) : dest;
    const mtime = new Date(0).toISOString();
    for (const [p, f] of imageFiles({ [target]: content }, mtime))
      if (!stage.files.has(p) || f.type === 'file') stage.files.set(p, f);
  }
}

/** The Dockerfile's instructions: keyword (upper case) and arguments, lines joined at a trailing backslash. */
function instructions(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.search(/\s/);
    out.push(at < 0 ? [trimmed.toUpperCase(), ''] : [trimmed.slice(0, at).toUpperCase(), trimmed.slice(at).trim()]);
  }
  return out;
}

/** The context's regular files, by path relative to its root. */
async function readContext(context: Readable): Promise<Map<string, Buffer>> {
  const raw = await readTarFiles(context, (h) => h.type === 'file').catch((e: unknown) => {
    throw failed(`the build context could not be read: ${(e as Error).message}`);
  });
  return new Map([...raw].map(([name, data]) => [posix.normalize(name), data]));
}
