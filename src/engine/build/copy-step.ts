// COPY and ADD as build steps: the sources are found and hashed first (the hash is part of the cache key, so a
// rebuild notices a changed file but not a touched one), then copied into the image so far on an overlay whose
// upper folder becomes the step's layer.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { EngineError } from '../errors.js';
import type { ImageRecord, ImageStore } from '../images/image-store.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { resolveUser } from '../runtime/oci-user.js';
import { applyCopy } from './context/copy-apply.js';
import type { ContextDigests } from './context/context-digests.js';
import { planCopy } from './context/copy-plan.js';
import type { CopyRequest } from './context/copy-types.js';
import type { Instruction } from './dockerfile/index.js';
import { type BuildConfig, flagValue } from './image-settings.js';
import { type LayerTarProgress, type WrittenLayer, layerFilesOf, writeLayerTar } from './layer-tar.js';
import { type RootfsMount, mountRootfs } from './rootfs-mount.js';
import { claimUpper, upperFolderOf } from './claim-upper.js';

/**
 * Where COPY finds things: the context, other stages' results (by name or index), images of the engine.
 * `contextDigests`, when the context was unpacked by this berthd, saves reading its files back to hash them.
 */
export interface CopyContext {
  images: ImageStore;
  contextDir: string;
  contextDigests?: ContextDigests;
  workDir: string;
  stageImage: (ref: string) => { found: boolean; image?: ImageRecord };
}

/** A COPY/ADD ready to run: its history text (the cache key part), how to make its layer, and cleanup. */
export interface PreparedCopy {
  createdBy: string;
  /** Copies into the parent image on an overlay; the layer tar, or undefined when nothing changed. */
  apply(mtime: number, progress?: LayerTarProgress): Promise<WrittenLayer | undefined>;
  close(): Promise<void>;
}

const KNOWN_FLAGS = new Set(['from', 'chown', 'chmod', 'link']);

export async function copyStep(
  ctx: CopyContext,
  at: {
    ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
    config: BuildConfig;
    expand: (w: string) => string;
    parent?: ImageRecord;
  },
): Promise<PreparedCopy> {
  const { ins, expand } = at;
  checkFlags(ins);
  const from = flagValue(ins.flags, 'from');
  const chownText = flagValue(ins.flags, 'chown');
  const chmodText = flagValue(ins.flags, 'chmod');
  const chmod = chmodText === undefined ? undefined : parseMode(chmodText);
  const destRaw = expand(ins.dest);
  const dest = destRaw.startsWith('/')
    ? destRaw
    : posix.join(at.config.WorkingDir || '/', destRaw) + (destRaw.endsWith('/') && destRaw !== '/' ? '/' : '');
  const mounts: RootfsMount[] = [];
  const close = async (): Promise<void> => {
    for (const m of mounts.splice(0)) await m.close();
  };
  try {
    const { sourceRoot, sources } = await copySources(ctx, { ins, expand, from, mounts });
    const request: CopyRequest = {
      sourceRoot,
      sources,
      dest,
      chmod,
      isAdd: ins.kind === 'ADD',
      fromContext: from === undefined && ins.heredocs.length === 0,
    };
    if (request.fromContext) request.contextDigests = ctx.contextDigests;
    const plan = await planCopy(request);
    const flags = [
      from === undefined ? '' : `--from=${expand(from)} `,
      chownText === undefined ? '' : `--chown=${expand(chownText)} `,
      chmodText === undefined ? '' : `--chmod=${chmodText} `,
    ].join('');
    const createdBy = `${ins.kind} ${flags}${plan.digest} in ${dest}`;
    const apply = async (mtime: number, progress?: LayerTarProgress): Promise<WrittenLayer | undefined> => {
      const target = await mountRootfs(ctx.images, at.parent?.id, ctx.workDir);
      try {
        const chown = chownText === undefined ? undefined : await chownIds(expand(chownText), target.merged);
        await applyCopy(plan, { ...request, chown }, target.merged);
        const file = join(ctx.workDir, `layer-${randomBytes(6).toString('hex')}.tar`);
        // The upper folder becomes the layer itself when it can be taken over (see claim-upper.ts).
        const claimed = await claimUpper(target.merged, target.upper, upperFolderOf(file));
        const written = await writeLayerTar(claimed ?? target.upper, file, {
          mtime,
          ...(claimed === undefined ? { linkInto: layerFilesOf(file) } : { settle: true }),
          progress,
        });
        return written.entries > 0 ? { ...written, file } : undefined;
      } finally {
        await target.close();
      }
    };
    return { createdBy, apply, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Refuses flags berthd does not know, and --from on ADD, before anything is read. */
function checkFlags(ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>): void {
  for (const flag of Object.keys(ins.flags)) {
    if (!KNOWN_FLAGS.has(flag)) {
      throw new EngineError('invalid', 'ENGINE_BUILD_UNSUPPORTED', `${ins.kind} --${flag} is not supported by berthd`, {
        hint: 'use --from, --chown or --chmod',
      });
    }
  }
  if (flagValue(ins.flags, 'from') !== undefined && ins.kind === 'ADD') {
    throw new EngineError('invalid', 'ENGINE_DOCKERFILE_INVALID', 'ADD has no --from flag', {
      hint: 'use COPY --from',
    });
  }
}

/**
 * Where the sources are read from: the build context; the heredocs, written to a folder of their own; or, with
 * --from, a stage's or an image's rootfs, mounted (the mount goes to `mounts`, which the caller closes).
 */
async function copySources(
  ctx: CopyContext,
  at: {
    ins: Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
    expand: (w: string) => string;
    from: string | undefined;
    mounts: RootfsMount[];
  },
): Promise<{ sourceRoot: string; sources: string[] }> {
  const { ins, expand, from } = at;
  if (ins.heredocs.length > 0) {
    const sourceRoot = join(ctx.workDir, `heredoc-${randomBytes(6).toString('hex')}`);
    await mkdir(sourceRoot, { recursive: true });
    for (const h of ins.heredocs) await writeFile(join(sourceRoot, h.name), h.content);
    return { sourceRoot, sources: ins.heredocs.map((h) => h.name) };
  }
  const sources = ins.sources.map(expand);
  if (from === undefined) return { sourceRoot: ctx.contextDir, sources };
  const ref = expand(from);
  const stage = ctx.stageImage(ref);
  const image = stage.found ? stage.image : ctx.images.resolve(ref);
  if (!stage.found && image === undefined) {
    throw new EngineError('not-found', 'ENGINE_BUILD_COPY', `COPY --from="${ref}": no such stage or image`, {
      hint: 'name an earlier stage (FROM ... AS name) or an image present on the engine',
    });
  }
  const mount = await mountRootfs(ctx.images, image?.id, ctx.workDir);
  at.mounts.push(mount);
  return { sourceRoot: mount.merged, sources };
}

/** --chown=user[:group]: names from the image's passwd and group; a user alone gives its uid as the gid too. */
async function chownIds(text: string, rootfs: string): Promise<{ uid: number; gid: number }> {
  // Resolved inside the image root: an image's /etc/passwd that is a symlink must not read the host's files.
  const read = async (p: string): Promise<string | undefined> =>
    readFile((await resolveInRoot(rootfs, p, true)).host, 'utf8').catch(() => undefined);
  const [passwd, group] = await Promise.all([read('etc/passwd'), read('etc/group')]);
  const [user = '', grp] = text.split(':', 2);
  const uid = resolveUser(user, passwd, group).uid;
  const gid = grp === undefined || grp === '' ? uid : resolveUser(`${user}:${grp}`, passwd, group).gid;
  return { uid, gid };
}

function parseMode(text: string): number {
  if (!/^[0-7]{3,4}$/.test(text)) {
    throw new EngineError('invalid', 'ENGINE_DOCKERFILE_INVALID', `--chmod="${text}" is not an octal mode`, {
      hint: 'write e.g. --chmod=755',
    });
  }
  return Number.parseInt(text, 8);
}
