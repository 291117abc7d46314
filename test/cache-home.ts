// Each test file gets a cache folder of its own (XDG_CACHE_HOME, which berth's stack cache uses), removed after it,
// so that no test leaves cache entries in the user's home and no test depends on another's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'berth-test-cache-'));
process.env.XDG_CACHE_HOME = dir;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
