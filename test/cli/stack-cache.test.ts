// The stack cache on disk (src/cli/stack-cache.ts), through the real berth command (bin/berth.js, so `npm run
// build` first): where it keeps entries and with which permissions, that a second `config` is served from it with
// the same bytes, that an edit is seen, and that it stays out of the way when told to or when its folder is unsafe.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStore } from '../../src/cli/stack-cache.js';

const berth = join(import.meta.dirname, '..', '..', 'bin', 'berth.js');
let root: string;
let project: string;
let cache: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-stack-cache-'));
  project = join(root, 'proj');
  cache = join(root, 'cache');
  mkdirSync(project);
  writeFileSync(join(project, 'compose.yaml'), 'services:\n  web:\n    image: "nginx:${TAG:-1}"\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function config(env: Record<string, string> = {}, ...args: string[]) {
  const r = spawnSync(process.execPath, [berth, 'config', ...args], {
    cwd: project,
    env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), XDG_CACHE_HOME: cache, ...env },
    encoding: 'utf8',
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}
const entries = () => readdirSync(join(cache, 'berth', 'stacks'));

describe('berth config with the stack cache', () => {
  it('must keep one entry, private to the user, and print the same bytes from it on the next run', () => {
    const first = config();
    expect(first).toContain("image: 'nginx:1'");
    const dir = join(cache, 'berth', 'stacks');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(entries()).toHaveLength(1);
    const entry = join(dir, entries()[0] as string);
    expect(statSync(entry).mode & 0o777).toBe(0o600);
    const written = statSync(entry).mtimeMs;
    expect(config()).toBe(first);
    expect(statSync(entry).mtimeMs).toBe(written); // served: nothing loaded or written again
    const json = config({}, '--format', 'json');
    expect(JSON.parse(json)).toMatchObject({ services: { web: { image: 'nginx:1' } } });
    const withJson = statSync(entry).mtimeMs;
    expect(config({}, '--format', 'json')).toBe(json);
    expect(statSync(entry).mtimeMs).toBe(withJson);
    expect(entries()).toHaveLength(1);
  });

  it('must see an edited stack file and a changed variable at once', () => {
    config();
    writeFileSync(join(project, 'compose.yaml'), 'services:\n  api:\n    image: "busybox:${TAG:-1}"\n');
    expect(config()).toContain("image: 'busybox:1'");
    expect(config({ TAG: '2' })).toContain("image: 'busybox:2'");
    expect(entries()).toHaveLength(1);
  });

  it('must write nothing with BERTH_NO_CACHE=1', () => {
    config({ BERTH_NO_CACHE: '1' });
    expect(existsSync(join(cache, 'berth'))).toBe(false);
  });

  it('must not use a cache folder that others can write to', () => {
    mkdirSync(join(cache, 'berth', 'stacks'), { recursive: true });
    chmodSync(join(cache, 'berth', 'stacks'), 0o777);
    expect(config()).toContain("image: 'nginx:1'");
    expect(entries()).toEqual([]);
  });
});

describe('the cache folder', () => {
  it('must keep only the most recently written entries, and leave no temporary file', () => {
    const dir = join(root, 'store');
    const store = fileStore(dir, 3);
    expect(store.read('a')).toBeUndefined();
    expect(existsSync(dir)).toBe(false); // reading makes no folder
    // Written in this order long ago (file times are too coarse to order writes made a moment apart).
    for (const [k, slot] of ['a', 'b', 'c'].entries()) {
      store.write(slot, Buffer.from(slot));
      utimesSync(join(dir, slot), 1000 + k, 1000 + k);
    }
    store.write('d', Buffer.from('d'));
    store.write('e', Buffer.from('e'));
    expect(readdirSync(dir).sort()).toEqual(['c', 'd', 'e']);
    expect(Buffer.from(store.read('e') ?? []).toString()).toBe('e');
    expect(store.read('a')).toBeUndefined();
  });
});
