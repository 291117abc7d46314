// What every test of the EngineClient contract shares: a client with the contract's busybox image loaded
// through the interface itself (images.load), unique names, and the removal of everything a test made
// (by the contract's label and the names it recorded), even when the test fails.
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ContainerCreateBody } from '../../src/client/api-types.js';
import { isEngineError } from '../../src/client/errors.js';
import type { EngineClient, LogChunk } from '../../src/client/types.js';
import { makeBusyboxSaveTar } from '../engine/fixtures/busybox-image.js';

/** A new client of the engine under test; each test closes its own. */
export type Connect = () => Promise<EngineClient>;

/** What an engine is known not to do yet; the contract skips those tests for it (and they show as skipped). */
export interface ContractOptions {
  /** "attach-stdin": berthd does not pass stdin to a container yet (README, "What works today"). */
  /** "forbidden-kind": dockerd 20.10 refuses some operations with 403 (errdefs.Forbidden: a network with
   * active endpoints), which src/client/docker maps to "unauthorized" rather than "conflict". */
  gaps?: ReadonlyArray<'attach-stdin' | 'forbidden-kind'>;
}

const RUN = `k${process.pid}`;
export const IMAGE = `berth-contract-${RUN}/busybox:1`;
export const LABEL = 'berth.contract';
let serial = 0;

/** The contract's image tar, built once per process. */
let imageTar: Promise<Buffer> | undefined;
export const busyboxTar = (): Promise<Buffer> => (imageTar ??= makeBusyboxSaveTar({ tags: [IMAGE] }));

export interface Session {
  engine: EngineClient;
  /** A name no other test uses: "berth-contract-<pid>-<n>-<what>". */
  name(what: string): string;
  /** The label every resource of this test carries (and cleanup finds it by). */
  label: Record<string, string>;
  /** Creates a container of the contract's image: no network, the test's label, `body` over that. */
  create(name: string, cmd: string[], body?: Partial<ContainerCreateBody>): Promise<string>;
  /** An image tag to remove at the end. */
  ownTag(tag: string): void;
}

/** Runs `fn` with a session; removes what it made whatever happens. */
export async function withSession(connect: Connect, fn: (s: Session) => Promise<void>): Promise<void> {
  const engine = await connect();
  const id = `${RUN}-${++serial}`;
  const label = { [LABEL]: id };
  const tags: string[] = [];
  try {
    if ((await engine.images.inspect(IMAGE)) === undefined) {
      await engine.images.load(Readable.from([await busyboxTar()]));
    }
    await fn({
      engine,
      name: (what) => `berth-contract-${id}-${what}`,
      label,
      create: async (name, cmd, body = {}) => {
        const { HostConfig, Labels, ...rest } = body;
        const created = await engine.containers.create({
          name,
          body: {
            Image: IMAGE,
            Cmd: cmd,
            ...rest,
            Labels: { ...label, ...Labels },
            HostConfig: { NetworkMode: 'none', ...HostConfig },
          },
        });
        return created.id;
      },
      ownTag: (t) => tags.push(t),
    });
  } finally {
    await cleanup(engine, `${LABEL}=${id}`, tags);
    await engine[Symbol.asyncDispose]();
  }
}

async function cleanup(engine: EngineClient, label: string, tags: string[]): Promise<void> {
  const quietly = (p: Promise<unknown>): Promise<unknown> =>
    p.catch((e: unknown) => {
      if (!isEngineError(e)) throw e;
    });
  for (const c of await engine.containers.list({ all: true, labels: [label] })) {
    await quietly(engine.containers.remove(c.id, { force: true, volumes: true }));
  }
  for (const n of await engine.networks.list({ labels: [label] })) await quietly(engine.networks.remove(n.id));
  for (const v of await engine.volumes.list({ labels: [label] })) await quietly(engine.volumes.remove(v.name));
  for (const t of tags) await quietly(engine.images.remove(t, { force: true }));
}

/** All of a log or an output stream, by stream. */
export async function collect(chunks: AsyncIterable<LogChunk>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  for await (const c of chunks) out[c.stream] += c.data.toString('utf8');
  return out;
}

/** A tar of files (name to content), for putArchive. */
export async function tarOf(files: Record<string, string>): Promise<Readable> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  pack.finalize();
  return Readable.from(pack);
}

/** The files of a tar stream, name to content. */
export async function filesOf(stream: Readable): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const extract = tar.extract();
  stream.pipe(extract);
  for await (const entry of extract) {
    let text = '';
    for await (const chunk of entry) text += (chunk as Buffer).toString('utf8');
    out[entry.header.name] = text;
  }
  return out;
}

/** Polls `read` until `done` holds (or `ms` pass, then the last value is returned for the assertion to show). */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await read();
  while (!done(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    v = await read();
  }
  return v;
}
