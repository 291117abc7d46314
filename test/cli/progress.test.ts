// The progress displays of up and down, on events as data: plain lines as Compose prints them, JSON lines, the
// choice `--progress auto` makes, and the listr2 display drawing rows and their final words.
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { jsonSink } from '../../src/cli/progress/json.js';
import { plainSink } from '../../src/cli/progress/plain.js';
import { progressMode } from '../../src/cli/progress/select.js';
import type { ProgressEvent, ProgressSink } from '../../src/cli/progress/sink.js';
import { ttySink } from '../../src/cli/progress/tty.js';

const net = { id: 'network:default', resource: 'network', name: 'shop_default' } as const;
const db = { id: 'container:db:1', resource: 'container', name: 'shop-db-1' } as const;
const EVENTS: ProgressEvent[] = [
  { ...net, status: 'waiting', text: 'waiting' },
  { ...net, status: 'working', text: 'Creating' },
  { ...net, status: 'done', text: 'Created' },
  { ...db, status: 'working', text: 'Recreating' },
  { ...db, status: 'failed', text: 'no space left' },
];

async function feed(sink: ProgressSink): Promise<void> {
  await sink.begin([net, db]);
  sink.warn('orphans');
  for (const e of EVENTS) sink.event(e);
  await sink.end();
}

describe('progress displays', () => {
  it('plain prints Compose lines, nothing for waiting', async () => {
    let out = '';
    await feed(plainSink((t) => (out += t)));
    expect(out).toMatchInlineSnapshot(`
      "WARN orphans
       Network shop_default  Creating
       Network shop_default  Created
       Container shop-db-1  Recreating
       Container shop-db-1  Error: no space left
      "
    `);
  });

  it('json prints one object per event and per warning', async () => {
    let out = '';
    await feed(jsonSink((t) => (out += t)));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(EVENTS.length + 1);
    expect(JSON.parse(lines[0]!)).toEqual({ level: 'warning', text: 'orphans' });
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      id: 'Container shop-db-1',
      status: 'failed',
      text: 'no space left',
      resource: 'container',
      name: 'shop-db-1',
      action: 'container:db:1',
    });
  });

  it('tty draws a row per resource with its last word (listr2, loaded on begin)', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString()));
    await feed(ttySink(stream as unknown as NodeJS.WriteStream));
    const text = stripVTControlCharacters(out);
    expect(text).toContain('Network shop_default  Created');
    expect(text).toContain('Container shop-db-1  Error: no space left');
  });

  it('auto is tty on a terminal only, COMPOSE_PROGRESS is the default, and a bad value is refused', () => {
    const ctx = (isTTY: boolean, env: Record<string, string> = {}): CliContext => ({
      cwd: '/',
      env,
      isTTY,
      stdout: () => undefined,
      stderr: () => undefined,
      readStdin: () => '',
    });
    expect(progressMode(ctx(true), undefined)).toBe('tty');
    expect(progressMode(ctx(false), undefined)).toBe('plain');
    expect(progressMode(ctx(true, { TERM: 'dumb' }), 'auto')).toBe('plain');
    expect(progressMode(ctx(true, { COMPOSE_PROGRESS: 'json' }), undefined)).toBe('json');
    expect(progressMode(ctx(true, { COMPOSE_PROGRESS: 'json' }), 'quiet')).toBe('quiet');
    expect(() => progressMode(ctx(false, { COMPOSE_PROGRESS: 'fancy' }), undefined)).toThrow(/"fancy"/);
  });
});
