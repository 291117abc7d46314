// conmon's k8s-file format: parsing records, and reading a log file with since/until/tail, following it as it
// grows, through rotation (a new file renamed over it) and truncation, until done or aborted.
import { appendFileSync, existsSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseK8sLogLine, parseLogTime, readLogs, tailLines } from '../../../src/engine/runtime/k8s-log.js';
import { compressRotatedLog, rotateLogFiles } from '../../../src/engine/runtime/log-files.js';
import type { LogEntry, ReadLogsOptions } from '../../../src/engine/runtime/k8s-log.js';

describe('parseK8sLogLine', () => {
  it('must read time, stream, full/partial tag and text', () => {
    expect(parseK8sLogLine('2026-11-22T08:00:00.123456789+00:00 stdout F hello world')).toEqual({
      time: '2026-11-22T08:00:00.123456789+00:00',
      stream: 'stdout',
      partial: false,
      text: 'hello world',
    });
    expect(parseK8sLogLine('2026-11-22T08:00:00.123456789Z stderr P part')).toMatchObject({
      stream: 'stderr',
      partial: true,
      text: 'part',
    });
  });

  it('must keep an empty text and spaces inside the text', () => {
    expect(parseK8sLogLine('2026-11-22T08:00:00Z stdout F ')?.text).toBe('');
    expect(parseK8sLogLine('2026-11-22T08:00:00Z stdout F')?.text).toBe('');
    expect(parseK8sLogLine('2026-11-22T08:00:00Z stdout F   two  spaces ')?.text).toBe('  two  spaces ');
  });

  it('must reject lines that are not records', () => {
    for (const line of [
      '',
      'garbage',
      '2026-11-22T08:00:00Z stdin F x',
      'yesterday stdout F x',
      '2026-11-22T08:00:00Z stdout X x',
    ]) {
      expect(parseK8sLogLine(line)).toBeUndefined();
    }
  });

  it('parseLogTime must honour offsets and nanoseconds', () => {
    expect(parseLogTime('1970-01-01T00:00:01.000000002Z')).toBe(1_000_000_002n);
    expect(parseLogTime('1970-01-01T01:00:01.5+01:00')).toBe(1_500_000_000n);
    expect(parseLogTime('2026-11-22T08:00:00Z')).toBe(BigInt(Date.UTC(2026, 10, 22, 8)) * 1_000_000n);
  });
});

describe('readLogs', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
    path = join(dir, 'ctr.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const rec = (sec: number, text: string, stream = 'stdout', tag = 'F'): string =>
    `2026-11-22T08:00:${String(sec).padStart(2, '0')}.000000000+00:00 ${stream} ${tag} ${text}\n`;

  async function all(opts: ReadLogsOptions = {}): Promise<string[]> {
    const out: string[] = [];
    for await (const e of readLogs(path, opts)) out.push(e.text);
    return out;
  }

  it('a missing file must give no records', async () => {
    expect(await all()).toEqual([]);
  });

  it('must give every record in order, skipping junk and an unfinished last line', async () => {
    writeFileSync(
      path,
      rec(1, 'a') + 'junk\n' + rec(2, 'b', 'stderr') + rec(3, 'par', 'stdout', 'P') + '2026-11-22T08:00:04Z std',
    );
    const entries: LogEntry[] = [];
    for await (const e of readLogs(path)) entries.push(e);
    expect(entries.map((e) => [e.stream, e.partial, e.text])).toEqual([
      ['stdout', false, 'a'],
      ['stderr', false, 'b'],
      ['stdout', true, 'par'],
    ]);
  });

  it('since, until and tail must filter as docker logs does', async () => {
    writeFileSync(path, [1, 2, 3, 4, 5].map((s) => rec(s, `m${s}`)).join(''));
    expect(await all({ since: '2026-11-22T08:00:02Z' })).toEqual(['m2', 'm3', 'm4', 'm5']);
    expect(await all({ until: new Date(Date.UTC(2026, 10, 22, 8, 0, 3)) })).toEqual(['m1', 'm2', 'm3']);
    expect(await all({ tail: 2 })).toEqual(['m4', 'm5']);
    expect(await all({ tail: 0 })).toEqual([]);
    expect(await all({ since: '2026-11-22T08:00:02Z', tail: 10 })).toEqual(['m2', 'm3', 'm4', 'm5']);
  });

  it('tail must count a line written in pieces as one line and give it whole, other streams interleaved', async () => {
    writeFileSync(
      path,
      rec(1, 'one') +
        rec(2, 'ab', 'stdout', 'P') +
        rec(3, 'err-line', 'stderr') +
        rec(4, 'cd', 'stdout', 'P') +
        rec(5, 'ef') +
        rec(6, 'unterminated', 'stdout', 'P'),
    );
    expect(await all({ tail: 1 })).toEqual(['unterminated']);
    expect(await all({ tail: 2 })).toEqual(['ab', 'cd', 'ef', 'unterminated']);
    expect(await all({ tail: 3 })).toEqual(['ab', 'err-line', 'cd', 'ef', 'unterminated']);
    expect(await all({ tail: 4 })).toEqual(['one', 'ab', 'err-line', 'cd', 'ef', 'unterminated']);
    expect(await all({ tail: 99 })).toHaveLength(6);
  });

  it("tailLines must keep a stream's partial records with the full record that ends them, in file order", () => {
    const e = (stream: 'stdout' | 'stderr', partial: boolean, text: string): LogEntry => ({
      time: '2026-11-22T08:00:00Z',
      stream,
      partial,
      text,
    });
    const entries = [
      e('stderr', true, 'E1'),
      e('stdout', true, 'o1'),
      e('stderr', false, 'E2'),
      e('stdout', false, 'o2'),
    ];
    expect(tailLines(entries, 1).map((x) => x.text)).toEqual(['o1', 'o2']);
    expect(tailLines(entries, 2)).toEqual(entries);
    expect(tailLines(entries, 0)).toEqual([]);
  });

  it('must read the rotated files oldest first, and tail must count a line across a rotation boundary', async () => {
    writeFileSync(path, rec(1, 'old-1') + rec(2, 'spl', 'stdout', 'P'));
    rotateLogFiles(path, 3);
    writeFileSync(path, rec(3, 'it') + rec(4, 'mid'));
    rotateLogFiles(path, 3);
    writeFileSync(path, rec(5, 'new'));
    expect(await all()).toEqual(['old-1', 'spl', 'it', 'mid', 'new']);
    expect(await all({ tail: 3 })).toEqual(['spl', 'it', 'mid', 'new']);
    // A third rotation with max-file 3 drops the oldest file.
    rotateLogFiles(path, 3);
    writeFileSync(path, rec(6, 'newest'));
    expect(await all()).toEqual(['it', 'mid', 'new', 'newest']);
    expect(await all({ since: '2026-11-22T08:00:04Z', until: '2026-11-22T08:00:05Z' })).toEqual(['mid', 'new']);
  });

  it('must read gzipped rotated files (compress) with the plain .1 after them', async () => {
    writeFileSync(path, rec(1, 'oldest'));
    rotateLogFiles(path, 3, true);
    writeFileSync(path, rec(2, 'older'));
    await compressRotatedLog(path);
    rotateLogFiles(path, 3, true);
    writeFileSync(path, rec(3, 'current'));
    expect(existsSync(`${path}.2.gz`) && existsSync(`${path}.1`) && !existsSync(`${path}.1.gz`)).toBe(true);
    expect(await all()).toEqual(['oldest', 'older', 'current']);
    await compressRotatedLog(path);
    expect(existsSync(`${path}.1`)).toBe(false);
    expect(await all({ tail: 2 })).toEqual(['older', 'current']);
  });

  it('following must go on from the rotated file into the new one berthd rotation leaves', async () => {
    writeFileSync(path, rec(1, 'first'));
    let done = false;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(path, { follow: true, isDone: () => done, pollMs: 10 })) seen.push(e.text);
    })();
    for (let i = 0; i < 300 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    rotateLogFiles(path, 2);
    appendFileSync(`${path}.1`, rec(2, 'late-in-old')); // conmon writes on until it reopens
    writeFileSync(path, rec(3, 'in-new'));
    for (let i = 0; i < 300 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    done = true;
    await reading;
    expect(seen).toEqual(['first', 'late-in-old', 'in-new']);
  });

  it('following must pick up appended records, a rotated file and a truncated file, and end when done', async () => {
    writeFileSync(path, rec(1, 'before'));
    let done = false;
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(path, { follow: true, isDone: () => done, pollMs: 10 })) seen.push(e.text);
    })();
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    appendFileSync(path, rec(2, 'appended'));
    await until(2);
    // conmon's rotation: the old file gets a last record, then a fresh file is renamed over it.
    appendFileSync(path, rec(3, 'last-in-old'));
    writeFileSync(`${path}.tmp`, rec(4, 'first-in-new'));
    renameSync(`${path}.tmp`, path);
    await until(4);
    truncateSync(path, 0);
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(path, rec(5, 'after-truncate'));
    await until(5);
    appendFileSync(path, rec(6, 'written-before-exit'));
    done = true;
    await reading;
    expect(seen).toEqual([
      'before',
      'appended',
      'last-in-old',
      'first-in-new',
      'after-truncate',
      'written-before-exit',
    ]);
  });

  it('following must wait for a file that does not exist yet, start at the end with fromEnd, and stop on abort', async () => {
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readLogs(path, { follow: true, signal: abort.signal, pollMs: 10 })) seen.push(e.text);
    })();
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(path, rec(1, 'late'));
    for (let i = 0; i < 100 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await reading;
    expect(seen).toEqual(['late']);

    const fromEnd: string[] = [];
    const abort2 = new AbortController();
    const reading2 = (async () => {
      for await (const e of readLogs(path, { follow: true, fromEnd: true, signal: abort2.signal, pollMs: 10 }))
        fromEnd.push(e.text);
    })();
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(path, rec(2, 'new'));
    for (let i = 0; i < 100 && fromEnd.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    abort2.abort();
    await reading2;
    expect(fromEnd).toEqual(['new']);
  });
});
