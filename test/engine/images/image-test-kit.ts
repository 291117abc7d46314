// Shared setup of the image store tests: a sandbox per test with the berthd root inside it, so that a test can
// check that nothing was written next to the root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { ImageStore, type ImageStoreOptions } from '../../../src/engine/images/image-store.js';

export interface Sandbox {
  dir: string;
  root: string;
  open(opts?: ImageStoreOptions): Promise<ImageStore>;
  /** Chain-ID folders in the layer store. */
  layerDirs(): string[];
  blobs(): string[];
  dispose(): void;
}

export function makeSandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'berth-images-'));
  const root = join(dir, 'root');
  mkdirSync(root);
  return {
    dir,
    root,
    open: (opts) => ImageStore.open(root, opts),
    layerDirs: () => readdirSync(join(root, 'layers')),
    blobs: () => readdirSync(join(root, 'content/blobs/sha256')),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function loadTar(store: ImageStore, tar: Buffer): Promise<string[]> {
  return (await store.load(Readable.from([tar]))).loaded;
}

export async function saveToBuffer(store: ImageStore, refs: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await store.save(refs, sink);
  return Buffer.concat(chunks);
}

export function tarNames(tar: Buffer): string[] {
  return execFileSync('tar', ['-t'], { input: tar, encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function duBytes(path: string): number {
  return Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
}
