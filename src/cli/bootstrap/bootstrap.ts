// `berth image bootstrap`: a Debian base image made from the host's apt mirror with Debian's mmdebstrap, with
// fixed times, loaded into the engine through POST /images/load as a docker-archive, so berthd and dockerd both
// take it. The decisions are in plan.ts; this file reads the host, runs mmdebstrap and streams the archive.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { BerthError } from '../../errors.js';
import { isEngineError } from '../../client/errors.js';
import type { EngineClient } from '../../client/types.js';
import type { AptSource, BootstrapRequest } from './plan.js';
import {
  cacheKey,
  hostAptOptions,
  imageConfig,
  KEY_LABEL,
  mmdebstrapArgs,
  parseAptSources,
  releaseEpoch,
  sourcesFor,
  VERSIONS_LABEL,
} from './plan.js';

export interface BootstrapOptions {
  /** A mirror URI instead of the host's apt sources. */
  mirror?: string;
  /** Where apt's configuration is read (default /etc/apt); tests point it at a folder of their own. */
  aptDir?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** mmdebstrap's progress lines. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface BootstrapResult {
  ref: string;
  id: string;
  /** false when an image with the same inputs was already there (nothing was made). */
  made: boolean;
  packages: number;
  seconds: number;
  sources: AptSource[];
}

/** Makes (or finds) the image `req.ref` on the engine. */
export async function bootstrapImage(
  client: EngineClient,
  req: BootstrapRequest,
  opts: BootstrapOptions,
): Promise<BootstrapResult> {
  const started = Date.now();
  const sources = sourcesFor(readAptSources(opts.aptDir ?? '/etc/apt'), req.suite, opts.mirror);
  const epochs = await Promise.all(sources.map((s) => fetchReleaseEpoch(s, opts.signal)));
  const key = cacheKey(req, sources, epochs);
  const existing = await client.images.inspect(req.ref);
  const labels = (existing?.config.Labels ?? {}) as Record<string, string>;
  const seconds = (): number => Math.round((Date.now() - started) / 100) / 10;
  if (existing && labels[KEY_LABEL] === key) {
    const packages = (labels[VERSIONS_LABEL] ?? '').split(' ').length;
    return { ref: req.ref, id: existing.id, made: false, packages, seconds: seconds(), sources };
  }
  if (!existsSync('/usr/bin/mmdebstrap')) {
    throw new BerthError('BOOTSTRAP_NO_MMDEBSTRAP', 'making a Debian image needs mmdebstrap, which is not installed', {
      hint: 'install it with: apt-get install mmdebstrap',
    });
  }
  const epoch = Math.max(...epochs);
  const dir = await mkdtemp(join(tmpdir(), 'berth-bootstrap-'));
  try {
    const rootfs = join(dir, 'rootfs.tar');
    const versionsFile = join(dir, 'packages.txt');
    const caFile = sources.some((s) => s.uri.startsWith('https:')) ? hostCaFile(opts.env) : undefined;
    const extra = { caFile, hostAptOptions: hostAptOptions(aptConfigDump()) };
    await runMmdebstrap(mmdebstrapArgs(req, sources, rootfs, versionsFile, extra), epoch, opts);
    const versions = (await readFile(versionsFile, 'utf8')).split('\n').filter((l) => l !== '');
    const diffId = await fileDigest(rootfs);
    const config = imageConfig(req, key, epoch, diffId, versions, hostArch());
    const loaded = await loadArchive(client, req.ref, config, rootfs);
    return { ref: req.ref, id: loaded, made: true, packages: versions.length, seconds: seconds(), sources };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readAptSources(aptDir: string): AptSource[] {
  const files: { path: string; text: string }[] = [];
  const main = join(aptDir, 'sources.list');
  if (existsSync(main)) files.push({ path: main, text: readFileSync(main, 'utf8') });
  const d = join(aptDir, 'sources.list.d');
  const names = existsSync(d) ? readdirSync(d).sort() : [];
  for (const n of names.filter((n) => n.endsWith('.list') || n.endsWith('.sources')))
    files.push({ path: join(d, n), text: readFileSync(join(d, n), 'utf8') });
  return parseAptSources(files);
}

/** The date of the suite's InRelease: it fixes the image's times and, with the request, its cache key. */
async function fetchReleaseEpoch(source: AptSource, signal?: AbortSignal): Promise<number> {
  const url = `${source.uri}/dists/${source.suite}/InRelease`;
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(30_000);
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (e) {
    throw new BerthError('BOOTSTRAP_MIRROR_UNREACHABLE', `cannot reach the Debian mirror ${source.uri}: ${cause(e)}`, {
      hint: 'check the network (and HTTP_PROXY) or name a reachable mirror with --mirror <uri>',
      cause: e,
    });
  }
  if (res.status === 404) {
    throw new BerthError('BOOTSTRAP_UNKNOWN_SUITE', `the mirror ${source.uri} has no suite "${source.suite}"`, {
      hint: 'use a codename the mirror serves, such as bookworm (see its dists/ folder)',
    });
  }
  const text = await res.text();
  const epoch = releaseEpoch(text);
  if (!res.ok || epoch === undefined) {
    throw new BerthError('BOOTSTRAP_BAD_MIRROR', `${url} answered ${res.status} without a Release date`, {
      hint: 'is this URI a Debian mirror? name one with --mirror <uri>',
    });
  }
  return epoch;
}

function cause(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e instanceof Error ? e.message : String(e));
}

/** The host's apt configuration, as `apt-config dump` prints it ('' where apt is not there). */
function aptConfigDump(): string {
  const r = spawnSync('apt-config', ['dump'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

function hostCaFile(env: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const f of [env.SSL_CERT_FILE, env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'])
    if (f !== undefined && f !== '' && existsSync(f)) return f;
  return undefined;
}

function hostArch(): string {
  return process.arch === 'arm64' ? 'arm64' : 'amd64';
}

function runMmdebstrap(args: string[], epoch: number, opts: BootstrapOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    // SOURCE_DATE_EPOCH: mmdebstrap then gives every file and the tar the same times, for the same digest.
    const env = {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      ...opts.env,
      SOURCE_DATE_EPOCH: String(epoch),
      LC_ALL: 'C.UTF-8',
    } as NodeJS.ProcessEnv;
    const child = spawn('/usr/bin/mmdebstrap', args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const tail: string[] = [];
    const onLine = (chunk: Buffer): void => {
      for (const line of chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        opts.log?.(line);
      }
    };
    child.stdout.on('data', onLine);
    child.stderr.on('data', onLine);
    child.on('error', (e) => reject(new BerthError('BOOTSTRAP_FAILED', `mmdebstrap did not start: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      const unable = tail.find((l) => /Unable to locate package|has no installation candidate/.test(l));
      reject(
        new BerthError('BOOTSTRAP_FAILED', `mmdebstrap failed (exit ${code}):\n${tail.slice(-8).join('\n')}`, {
          hint: unable
            ? 'a package of --include is not in the suite; check its name with apt-cache policy <name>'
            : 'its last lines are above; run it again with BERTH_DEBUG=1 for the whole output',
        }),
      );
    });
  });
}

async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return `sha256:${hash.digest('hex')}`;
}

/** Streams a docker-archive (manifest.json, the config, one layer.tar) to POST /images/load; returns the ID. */
async function loadArchive(client: EngineClient, ref: string, config: Buffer, rootfs: string): Promise<string> {
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  const layerName = `${configName.slice(0, 64)}/layer.tar`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [ref], Layers: [layerName] }]);
  const mtime = new Date(0);
  const pack = tar.pack();
  const body = (async (): Promise<void> => {
    pack.entry({ name: configName, mtime }, config);
    const size = (await stat(rootfs)).size;
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ name: layerName, size, mtime }, (e) => (e ? reject(e) : resolve()));
      createReadStream(rootfs).on('error', reject).pipe(sink);
    });
    pack.entry({ name: 'manifest.json', mtime }, manifest);
    pack.finalize();
  })();
  let answer = '';
  try {
    await client.images.load(pack as unknown as Readable, { onProgress: (m) => (answer += m.stream ?? '') });
  } catch (e) {
    if (isEngineError(e) && e.kind !== 'unavailable') {
      throw new BerthError('BOOTSTRAP_LOAD_FAILED', `the engine did not load ${ref}: ${e.message}`, { cause: e });
    }
    throw e;
  }
  await body;
  const image = answer.includes('Loaded image') ? await client.images.inspect(ref) : undefined;
  if (!image) throw new BerthError('BOOTSTRAP_LOAD_FAILED', `the engine did not load ${ref}: ${answer.trim()}`);
  return image.id;
}
