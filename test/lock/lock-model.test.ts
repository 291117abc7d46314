// The lock's pure parts on inline data: its text (stable, sorted, versioned, refused when malformed), drift as
// data (every kind, worded as --frozen prints it), the pinned references, and the FROM reader the CLI shares.
import { describe, expect, it } from 'vitest';
import { lockOverride, pinnedFromOf, pinnedRef, repositoryOf, withLockedImages } from '../../src/lock/apply.js';
import { computeDrift, overrideDrift } from '../../src/lock/drift.js';
import type { LockFile } from '../../src/lock/model.js';
import { lockText, parseLock } from '../../src/lock/text.js';
import { fromImages, readFromLines } from '../../src/shared/dockerfile-from.js';
import type { Stack } from '../../src/spec/model.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const C = `sha256:${'c'.repeat(64)}`;

function lock(): LockFile {
  return {
    version: 1,
    sourceDateEpoch: 1700000000,
    services: {
      web: {
        build: {
          context: './web',
          contextDigest: 'sha256:ctx',
          files: { 'a.txt': '1', 'b.txt': '2', 'c.txt': '3' },
          dockerfile: 'df1',
          args: { MODE: 'prod' },
          from: { 'node:20': { ref: 'node:20', digest: A, platform: 'linux/amd64' } },
        },
      },
      db: { image: { ref: 'postgres:16', digest: B, platform: 'linux/amd64' } },
      tool: { image: { ref: 'localhost:5000/tool:1', digest: C, local: true } },
    },
  };
}

describe('lock text', () => {
  it('is sorted, versioned and the same bytes for the same pins, whatever the key order', () => {
    const text = lockText(lock());
    const reordered = lock();
    reordered.services = { tool: reordered.services.tool!, db: reordered.services.db!, web: reordered.services.web! };
    expect(lockText(reordered)).toBe(text);
    expect(text.indexOf('"db"')).toBeLessThan(text.indexOf('"tool"'));
    expect(text.indexOf('"tool"')).toBeLessThan(text.indexOf('"web"'));
    expect(text.startsWith('{\n  "services"')).toBe(true);
    expect(text).toContain('"version": 1');
    expect(parseLock(text, 'berth.lock')).toEqual(lock());
  });

  it('refuses another version, bad JSON and pins without a digest, naming the file', () => {
    expect(() => parseLock('{"version":2,"sourceDateEpoch":0,"services":{}}', 'x/berth.lock')).toThrow(
      /x\/berth.lock: lock version 2 is not 1/,
    );
    expect(() => parseLock('{', 'berth.lock')).toThrow(/berth.lock: it is not JSON/);
    const bad = '{"version":1,"sourceDateEpoch":0,"services":{"db":{"image":{"ref":"a","digest":"latest"}}}}';
    expect(() => parseLock(bad, 'berth.lock')).toThrow(/services.db.image has no digest/);
  });
});

describe('drift', () => {
  it('is empty for the same facts', () => {
    expect(computeDrift(lock(), lock())).toEqual([]);
  });

  it('names a moved tag, a moved FROM, a changed context (with its file count), Dockerfile and arg', () => {
    const now = lock();
    now.services.db!.image!.digest = C;
    const build = now.services.web!.build!;
    build.from['node:20'] = { ref: 'node:20', digest: B };
    build.contextDigest = 'sha256:other';
    build.files = { 'a.txt': '1', 'b.txt': 'changed', 'd.txt': 'new' }; // b changed, c removed, d added
    build.dockerfile = 'df2';
    build.args = { MODE: 'dev', EXTRA: '1' };
    expect(computeDrift(lock(), now).map((d) => d.message)).toEqual([
      `service db: image postgres:16 is ${C} now, locked ${B}`,
      `service web: FROM node:20 is ${B} now, locked ${A}`,
      'context ./web changed: 3 files (b.txt, c.txt, d.txt)',
      'service web: Dockerfile changed',
      'service web: build arg EXTRA is "1" now, locked unset',
      'service web: build arg MODE is "dev" now, locked "prod"',
    ]);
  });

  it('names --build-arg values that differ from the locked args (SOURCE_DATE_EPOCH aside)', () => {
    expect(overrideDrift('web', { MODE: 'prod' }, { MODE: 'prod', SOURCE_DATE_EPOCH: '1' })).toEqual([]);
    expect(overrideDrift('web', { MODE: 'prod' }, { MODE: 'dev', NEW: 'x' }).map((d) => d.message)).toEqual([
      'service web: build arg MODE is "dev" now (--build-arg), locked "prod"',
      'service web: build arg NEW is "x" now (--build-arg), locked unset',
    ]);
  });

  it('names a Debian base made again from other package versions', () => {
    const inputs = { key: 'k1', suite: 'bookworm', include: 'curl', packages: 'curl=7.88.1-10' };
    const locked = lock();
    locked.services.web!.build!.bootstrap = { 'debian:bookworm': inputs };
    const now = lock();
    now.services.web!.build!.bootstrap = { 'debian:bookworm': { ...inputs, packages: 'curl=7.88.1-10+deb12u5' } };
    expect(computeDrift(locked, now).map((d) => [d.kind, d.message])).toEqual([
      ['bootstrap', 'service web: base debian:bookworm was made from other packages'],
    ]);
    expect(computeDrift(locked, structuredClone(locked))).toEqual([]);
  });

  it('names services added to or removed from the stack, and a changed image reference', () => {
    const now = lock();
    delete now.services.tool;
    now.services.cache = { image: { ref: 'redis:7', digest: A } };
    now.services.db!.image = { ref: 'postgres:17', digest: B };
    expect(computeDrift(lock(), now).map((d) => [d.kind, d.message])).toEqual([
      ['service', 'service cache: not in the lock'],
      ['image', 'service db: image is postgres:17 now, locked postgres:16'],
      ['service', 'service tool: in the lock but not in the stack'],
    ]);
  });
});

describe('using the lock', () => {
  it('fetches by repository@digest, and a local-only image by its ID', () => {
    expect(repositoryOf('localhost:5000/app:1')).toBe('localhost:5000/app');
    expect(repositoryOf('app:1@sha256:x')).toBe('app');
    expect(pinnedRef({ ref: 'localhost:5000/app:1', digest: A })).toBe(`localhost:5000/app@${A}`);
    expect(pinnedRef({ ref: 'localhost:5000/tool:1', digest: C, local: true })).toBe(C);
    expect(pinnedFromOf(lock().services.web!.build!)).toEqual({ 'node:20': `node@${A}` });
  });

  it('pins the images of services that are not built and whose image is the locked one', () => {
    const stack = {
      name: 'p',
      services: {
        db: { name: 'db', image: 'postgres:16' },
        web: { name: 'web', image: 'p-web', build: { context: '/p/web' } },
        tool: { name: 'tool', image: 'localhost:5000/tool:2' }, // changed since the lock: left as written
      },
    } as unknown as Stack;
    const pinned = withLockedImages(stack, lock());
    expect(pinned.services.db?.image).toBe(`postgres@${B}`);
    expect(pinned.services.web?.image).toBe('p-web');
    expect(pinned.services.tool?.image).toBe('localhost:5000/tool:2');
    expect(lockOverride(lock())).toEqual({ services: { db: { image: `postgres@${B}` } } });
  });
});

describe('FROM lines', () => {
  it('reads every stage, expands ARGs before the first FROM (given args win), and skips stage names', () => {
    const df = [
      '# comment',
      'ARG BASE=node',
      'ARG TAG=20',
      'ARG REG',
      'FROM --platform=$BUILDPLATFORM ${REG:-docker.io}/${BASE}:${TAG} AS Build',
      'RUN make \\',
      '  all',
      'FROM build AS test',
      'FROM scratch',
      'from alpine:3 as final',
      'COPY --from=build /a /a',
    ].join('\n');
    expect(readFromLines(df).map((l) => [l.ref, l.stage])).toEqual([
      ['docker.io/node:20', 'build'],
      ['build', 'test'],
      ['scratch', undefined],
      ['alpine:3', 'final'],
    ]);
    expect(fromImages(df)).toEqual(['docker.io/node:20', 'alpine:3']);
    expect(fromImages(df, { TAG: '22', REG: 'ghcr.io' })).toEqual(['ghcr.io/node:22', 'alpine:3']);
  });
});
