// `berth wait`, `events` and `cp` on berthd: wait returns the exit code once the container has stopped, events
// shows the start and die of a container stopped and started while it streams, and cp copies files and folders
// both ways (and a tar through "-"), following docker cp's rules for existing and missing destinations, also
// through a service's bind mount.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTimestamp, renderEventJson, renderEventText } from '../../src/cli/render-event.js';
import { splitCpArg } from '../../src/cli/commands/cp.js';
import type { StackEngine } from './stack-engine.js';
import { serviceContainers, startStackEngine } from './stack-engine.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const STACK = `
services:
  box:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
  short:
    image: \${IMAGE}
    command: ['sh', '-c', 'sleep 2; exit 5']
  bound:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 1s
    volumes: ['./shared:/data']
`;

describe('events and cp arguments, as Compose renders and reads them', () => {
  const e = {
    type: 'container',
    action: 'start',
    id: 'abc',
    attributes: { image: 'busybox', name: 'p-web-1', 'com.docker.compose.service': 'web' },
    timeNano: 1_700_000_000_123_456_789n,
  };
  it('prints the text line in local time with microseconds and no compose labels', () => {
    expect(renderEventText(e, 60)).toBe(
      '2023-11-14 23:13:20.123456 container start abc (image=busybox, name=p-web-1)\n\n',
    );
  });
  it('prints --json with sorted keys and an RFC 3339 time in nanoseconds', () => {
    expect(JSON.parse(renderEventJson(e, 0))).toEqual({
      action: 'start',
      attributes: { image: 'busybox', name: 'p-web-1' },
      id: 'abc',
      service: 'web',
      time: '2023-11-14T22:13:20.123456789Z',
      type: 'container',
    });
    expect(renderEventJson(e, -90)).toContain('"time":"2023-11-14T20:43:20.123456789-01:30"');
  });
  it('reads --since as a Unix time, a date or a duration', () => {
    expect(eventTimestamp('1700000000', 0)).toBe('1700000000');
    expect(eventTimestamp('10m', 1_000_000)).toBe('400.000');
    expect(eventTimestamp('2023-11-14T22:13:20Z', 0)).toBe('1700000000.000');
    expect(eventTimestamp('soon', 0)).toBeUndefined();
  });
  it('splits SERVICE:PATH unless the argument is a local path', () => {
    expect(splitCpArg('web:/etc/hosts')).toEqual({ service: 'web', path: '/etc/hosts' });
    expect(splitCpArg('/abs:x')).toEqual({ path: '/abs:x' });
    expect(splitCpArg('./file:name')).toEqual({ path: './file:name' });
    expect(splitCpArg('-')).toEqual({ path: '-' });
  });
});

describe.runIf(hasRunc)('berth wait, events and cp on berthd', () => {
  let e: StackEngine;
  const cat = async (path: string): Promise<string> => (await e.berth('exec', 'box', 'cat', path)).stdout;

  beforeAll(async () => {
    e = await startStackEngine('wec', STACK);
    expect((await e.berth('up', '-d', 'box')).code).toBe(0);
  }, 60_000);

  afterAll(async () => e?.close(), 60_000);

  it('wait blocks until the container stops and exits with its exit code', async () => {
    expect((await e.berth('up', '-d', 'short')).code).toBe(0);
    const [c] = await serviceContainers(e, 'short');
    const r = await e.berth('wait', 'short');
    expect(r.code).toBe(5);
    expect(r.stdout).toBe(`container "${c!.Id}" exited with status code 5\n`);
    expect((await serviceContainers(e, 'short'))[0]?.State).toBe('exited');
    const none = await e.berth('wait', 'short');
    expect(none.stderr).toContain(`no containers for project "${e.project}"`);
  }, 30_000);

  it('events shows the die and start of a container restarted while it streams', async () => {
    const stop = new AbortController();
    const json = e.berthBytes(['events', '--json', 'box'], undefined, stop.signal);
    const text = e.berthBytes(['events'], undefined, stop.signal);
    await new Promise((r) => setTimeout(r, 500));
    expect((await e.berth('restart', '-t', '0', 'box')).code).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    stop.abort();
    const [j, t] = await Promise.all([json, text]);
    expect(j.code).toBe(0);
    const events = j.out
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { action: string; service: string; type: string; attributes: object });
    const actions = events.map((x) => x.action);
    expect(actions).toContain('die');
    expect(actions.indexOf('start')).toBeGreaterThan(actions.indexOf('die'));
    expect(events.every((x) => x.service === 'box' && x.type === 'container')).toBe(true);
    expect(Object.keys(events[0]!.attributes).some((k) => k.startsWith('com.docker.compose.'))).toBe(false);
    expect(t.out.toString()).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} container start [0-9a-f]{64} \\(.*name=${e.project}-box-1`,
        'm',
      ),
    );
  }, 30_000);

  it('cp copies a file and a folder into the container', async () => {
    writeFileSync(join(e.dir, 'a.txt'), 'file a\n');
    mkdirSync(join(e.dir, 'tree', 'sub'), { recursive: true });
    writeFileSync(join(e.dir, 'tree', 'x'), 'x\n');
    writeFileSync(join(e.dir, 'tree', 'sub', 'y'), 'y\n');
    expect((await e.berth('cp', 'a.txt', 'box:/tmp/a.txt')).code).toBe(0);
    expect(await cat('/tmp/a.txt')).toBe('file a\n');
    expect((await e.berth('cp', 'a.txt', 'box:/tmp')).code).toBe(0); // an existing folder keeps the name
    expect(await cat('/tmp/a.txt')).toBe('file a\n');
    expect((await e.berth('cp', 'tree', 'box:/tmp/')).code).toBe(0);
    expect(await cat('/tmp/tree/sub/y')).toBe('y\n');
    expect((await e.berth('cp', 'tree', 'box:/tmp/copy')).code).toBe(0); // a missing one takes its place
    expect(await cat('/tmp/copy/x')).toBe('x\n');
    const missingDir = await e.berth('cp', 'a.txt', 'box:/tmp/nope/');
    expect(missingDir.stderr).toContain('[CLI_CP_NO_DIRECTORY]');
  }, 30_000);

  it('cp copies a file and a folder out of the container, and a folder\'s contents with "/."', async () => {
    expect((await e.berth('cp', 'box:/tmp/a.txt', 'b.txt')).code).toBe(0);
    expect(readFileSync(join(e.dir, 'b.txt'), 'utf8')).toBe('file a\n');
    expect((await e.berth('cp', 'box:/tmp/tree', 'out')).code).toBe(0);
    expect(readFileSync(join(e.dir, 'out', 'sub', 'y'), 'utf8')).toBe('y\n');
    expect((await e.berth('cp', 'box:/tmp/tree', 'out')).code).toBe(0); // now into the existing folder
    expect(readFileSync(join(e.dir, 'out', 'tree', 'x'), 'utf8')).toBe('x\n');
    mkdirSync(join(e.dir, 'flat'));
    expect((await e.berth('cp', 'box:/tmp/tree/.', 'flat')).code).toBe(0);
    expect(readFileSync(join(e.dir, 'flat', 'sub', 'y'), 'utf8')).toBe('y\n');
    const gone = await e.berth('cp', 'box:/tmp/none', 'x');
    expect(gone.code).toBe(1);
  }, 30_000);

  it("cp into and out of a service's bind mount must reach the project folder on the host", async () => {
    expect((await e.berth('up', '-d', 'bound')).code).toBe(0);
    writeFileSync(join(e.dir, 'to-bind.txt'), 'through the bind\n');
    const r = await e.berth('cp', 'to-bind.txt', 'bound:/data/');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(e.dir, 'shared', 'to-bind.txt'), 'utf8')).toBe('through the bind\n');
    writeFileSync(join(e.dir, 'shared', 'on-host.txt'), 'made on the host\n');
    expect((await e.berth('cp', 'bound:/data/on-host.txt', 'back.txt')).code).toBe(0);
    expect(readFileSync(join(e.dir, 'back.txt'), 'utf8')).toBe('made on the host\n');
  }, 30_000);

  it('cp with "-" writes a tar to stdout and reads one from stdin', async () => {
    const out = await e.berthBytes(['cp', 'box:/tmp/tree', '-']);
    expect(out.code).toBe(0);
    const names: string[] = [];
    const extract = tar.extract();
    extract.on('entry', (h, s, next) => {
      names.push(h.name);
      s.resume();
      s.on('end', next);
    });
    await new Promise<void>((res, rej) =>
      Readable.from([out.out])
        .pipe(extract)
        .on('finish', () => res())
        .on('error', rej),
    );
    expect(names).toContain('tree/sub/y');
    const pack = tar.pack();
    pack.entry({ name: 'from-stdin.txt' }, 'piped\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const r = await e.berthBytes(['cp', '-', 'box:/tmp'], Buffer.concat(chunks));
    expect(r.code).toBe(0);
    expect(await cat('/tmp/from-stdin.txt')).toBe('piped\n');
  }, 30_000);
});
