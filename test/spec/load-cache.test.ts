// The stack cache's logic (src/spec/load-cache.ts) on inline stacks and an in-memory store: a hit gives exactly what
// loading gives, and any change to what the load looked at (a file, a variable it read, a file that extends,
// include or env_file named, the code) makes it load again.
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { LoadInput } from '../../src/spec/load.js';
import { loadStack } from '../../src/spec/load.js';
import type { CacheStore } from '../../src/spec/load-cache.js';
import { loadStackCached } from '../../src/spec/load-cache.js';

const MAIN = [
  'services:',
  '  web:',
  '    image: nginx:${TAG:-1.27}',
  '    extends: { file: base.yaml, service: base }',
  '    env_file: web.env',
  '    environment: [FROM_HOST]',
  '    ports: ["8080:80"]',
  '    healthcheck: { test: [CMD, "true"], interval: 1m30s }',
  '  db:',
  '    image: postgres',
  '    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d:ro]',
  'volumes:',
  '  data: {}',
  '',
].join('\n');

function fixture() {
  const extra = new Map<string, string>([
    ['/p/base.yaml', 'services:\n  base:\n    labels: { tier: front }\n'],
    ['/p/web.env', 'A=1\n'],
  ]);
  const files = [{ path: '/p/compose.yaml', text: MAIN }];
  const env: Record<string, string> = { HOME: '/root', TAG: '1.28', FROM_HOST: 'x', UNRELATED: 'u' };
  const input = (): LoadInput => ({ files, readExtra: (p) => extra.get(p), env: { ...env }, projectDir: '/p' });
  const bytes = new Map<string, Uint8Array>();
  let writes = 0;
  const store: CacheStore = {
    serialize,
    deserialize,
    read: (slot) => bytes.get(slot),
    write: (slot, b) => {
      writes++;
      bytes.set(slot, b);
    },
  };
  let loads = 0;
  const counted = (i: LoadInput) => {
    loads++;
    return loadStack(i);
  };
  const cached = (codeId = 'code-1') => loadStackCached(input(), { store, codeId }, counted);
  return { extra, files, env, input, bytes, store, cached, loads: () => loads, writes: () => writes };
}

describe('the stack cache', () => {
  it('must give, from the cache, a stack strictly equal to a fresh load, without loading again', () => {
    const f = fixture();
    const first = f.cached();
    expect(first.hit).toBe(false);
    const second = f.cached();
    expect(second.hit).toBe(true);
    expect(f.loads()).toBe(1);
    const fresh = loadStack(f.input());
    expect(fresh.ok).toBe(true);
    expect(second.result).toStrictEqual(fresh);
    expect(second.result.ok && second.result.stack).toStrictEqual(fresh.ok && fresh.stack);
  });

  it('must load again when a stack file changes, and then keep the new stack in the same slot', () => {
    const f = fixture();
    f.cached();
    f.files[0] = { path: '/p/compose.yaml', text: MAIN.replace('postgres', 'postgres:17') };
    const r = f.cached();
    expect(r.hit).toBe(false);
    expect(r.result.ok && r.result.stack.services.db?.image).toBe('postgres:17');
    expect(f.cached().hit).toBe(true);
    expect(f.bytes.size).toBe(1);
  });

  it('must load again when a variable the stack uses changes, appears or goes, but not for one it does not use', () => {
    const f = fixture();
    f.cached();
    f.env.UNRELATED = 'v';
    expect(f.cached().hit).toBe(true);
    f.env.TAG = '1.29';
    const r = f.cached();
    expect(r.hit).toBe(false);
    expect(r.result.ok && r.result.stack.services.web?.image).toBe('nginx:1.29');
    delete f.env.TAG;
    expect(f.cached().result).toMatchObject({ stack: { services: { web: { image: 'nginx:1.27' } } } });
    f.env.FROM_HOST = 'y'; // read by `environment: [FROM_HOST]`, not by interpolation
    expect(f.cached().hit).toBe(false);
  });

  it('must load again when a file named by extends or env_file changes or disappears', () => {
    const f = fixture();
    f.cached();
    f.extra.set('/p/web.env', 'A=2\n');
    const r = f.cached();
    expect(r.hit).toBe(false);
    expect(r.result.ok && r.result.stack.services.web?.environment).toMatchObject({ A: '2' });
    f.extra.set('/p/base.yaml', 'services:\n  base:\n    labels: { tier: back }\n');
    expect(f.cached().result).toMatchObject({ stack: { services: { web: { labels: { tier: 'back' } } } } });
    f.extra.delete('/p/web.env');
    const gone = f.cached();
    expect(gone.hit).toBe(false);
    expect(gone.result.ok).toBe(false);
  });

  it('must load again when the code changes, and when the kept bytes are damaged', () => {
    const f = fixture();
    f.cached('code-1');
    expect(f.cached('code-2').hit).toBe(false);
    for (const [slot, b] of f.bytes) f.bytes.set(slot, b.subarray(0, b.length >> 1));
    const r = f.cached('code-2');
    expect(r.hit).toBe(false);
    expect(r.result.ok).toBe(true);
    expect(f.cached('code-2').hit).toBe(true);
  });

  it('must track the whole environment when the load enumerates it', () => {
    const f = fixture();
    const enumerating = (i: LoadInput) => {
      void Object.keys(i.env);
      return loadStack(i);
    };
    const cached = () => loadStackCached(f.input(), { store: f.store, codeId: 'c' }, enumerating);
    cached();
    expect(cached().hit).toBe(true);
    f.env.UNRELATED = 'changed';
    expect(cached().hit).toBe(false);
  });

  it('must keep a derived text once and give it back from the cache without rendering it again', () => {
    const f = fixture();
    let renders = 0;
    const render = () => `text ${++renders}`;
    expect(f.cached().output('config.yaml', render)).toBe('text 1');
    expect(f.cached().output('config.yaml', render)).toBe('text 1');
    expect(renders).toBe(1);
    f.env.TAG = 'other';
    expect(f.cached().output('config.yaml', render)).toBe('text 2');
  });

  it('must not keep a stack that would not come back the same (an object without the usual prototype)', () => {
    const f = fixture();
    const odd = (i: LoadInput) => {
      const r = loadStack(i);
      if (r.ok) r.stack.extensions['x-odd'] = Object.create(null) as object;
      return r;
    };
    const r = loadStackCached(f.input(), { store: f.store, codeId: 'c' }, odd);
    expect(r.result.ok).toBe(true);
    expect(f.writes()).toBe(0);
  });

  it('must not keep a stack that does not load', () => {
    const f = fixture();
    f.files[0] = { path: '/p/compose.yaml', text: 'services:\n  web: {image: [1]}\n' };
    expect(f.cached().result.ok).toBe(false);
    expect(f.cached().hit).toBe(false);
    expect(f.writes()).toBe(0);
  });
});
