// Contract of berthd's content store: blobs are named by their sha256, verified before they become visible,
// and ingesting is safe to repeat and to run concurrently.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContentStore } from '../../../src/engine/content/content-store.js';
import { sha256 } from '../fixtures/busybox-image.js';

describe('content store contract', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-content-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores a blob under its sha256 and reads it back', async () => {
    const store = await ContentStore.open(root);
    const blob = await store.ingest(Buffer.from('{"a":1}'));
    expect(blob).toEqual({ digest: sha256('{"a":1}'), size: 7 });
    expect(store.has(blob.digest)).toBe(true);
    expect(store.path(blob.digest)).toBe(join(root, 'content/blobs/sha256', blob.digest.slice(7)));
    expect(await store.readJson(blob.digest)).toEqual({ a: 1 });
    expect(store.list()).toEqual([blob.digest]);
  });

  it('ingests a stream and verifies the expected digest', async () => {
    const store = await ContentStore.open(root);
    const data = Buffer.alloc(300_000, 7);
    const blob = await store.ingest(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), sha256(data));
    expect(blob.size).toBe(300_000);
    expect(readFileSync(store.path(blob.digest)).equals(data)).toBe(true);
  });

  it('refuses content whose digest does not match, leaving nothing visible', async () => {
    const store = await ContentStore.open(root);
    const wrong = sha256('something else');
    await expect(store.ingest(Buffer.from('data'), wrong)).rejects.toMatchObject({
      kind: 'invalid',
      code: 'ENGINE_DIGEST_MISMATCH',
    });
    expect(store.has(wrong)).toBe(false);
    expect(store.has(sha256('data'))).toBe(false);
    expect(store.list()).toEqual([]);
    expect(readdirSync(join(root, 'content/ingest'))).toEqual([]);
  });

  it('refuses malformed digests with ENGINE_BAD_DIGEST', async () => {
    const store = await ContentStore.open(root);
    for (const bad of [
      'sha512:' + 'a'.repeat(128),
      'sha256:ABC',
      'md5:x',
      '../../etc/passwd',
      `sha256:${'a'.repeat(63)}`,
    ]) {
      expect(() => store.has(bad)).toThrow(expect.objectContaining({ code: 'ENGINE_BAD_DIGEST', kind: 'invalid' }));
      await expect(store.ingest(Buffer.from('x'), bad)).rejects.toMatchObject({ code: 'ENGINE_BAD_DIGEST' });
    }
  });

  it('a failing source leaves no blob and no temp file', async () => {
    const store = await ContentStore.open(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(store.ingest(failing)).rejects.toThrow('connection reset');
    expect(store.list()).toEqual([]);
    expect(readdirSync(join(root, 'content/ingest'))).toEqual([]);
  });

  it('concurrent ingests of the same blob all succeed and keep one copy', async () => {
    const store = await ContentStore.open(root);
    const data = Buffer.alloc(1 << 20, 1);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => store.ingest(Readable.from([data]), sha256(data))),
    );
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha256(data)]));
    expect(store.list()).toEqual([sha256(data)]);
    expect(readFileSync(store.path(sha256(data))).equals(data)).toBe(true);
    expect(readdirSync(join(root, 'content/ingest'))).toEqual([]);
  });

  it('deleting removes the blob; reading a missing blob is not-found', async () => {
    const store = await ContentStore.open(root);
    const { digest } = await store.ingest(Buffer.from('bye'));
    expect(await store.delete(digest)).toBe(true);
    expect(await store.delete(digest)).toBe(false);
    expect(store.has(digest)).toBe(false);
    await expect(store.readJson(digest)).rejects.toMatchObject({ kind: 'not-found', code: 'ENGINE_BLOB_NOT_FOUND' });
  });

  it('reopening drops leftover ingests and keeps blobs', async () => {
    const first = await ContentStore.open(root);
    const { digest } = await first.ingest(Buffer.from('kept'));
    writeFileSync(join(root, 'content/ingest/crashed-write'), 'half');
    const reopened = await ContentStore.open(root);
    expect(reopened.list()).toEqual([digest]);
    expect(readdirSync(join(root, 'content/ingest'))).toEqual([]);
  });
});
