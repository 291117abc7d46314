// The dashboard as data: the reducer over containers, log lines, watch events and keys, and the screen's lines.
import { describe, expect, it } from 'vitest';
import type { ContainerFacts } from '../../src/cli/dashboard/state.js';
import { KEPT_LOG_LINES, initialState, reduce } from '../../src/cli/dashboard/state.js';
import { keyCommand } from '../../src/cli/dashboard/view-ink.js';
import { FOLLOW_HELP, KEYS_HELP, screenLines } from '../../src/cli/dashboard/view.js';

const fact = (service: string, over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  service,
  container: `shop-${service}-1`,
  state: 'running',
  ports: '',
  restarts: 0,
  image: `shop/${service}:1`,
  ...over,
});
const SIZE = { columns: 100, rows: 20 };
const noKey = { upArrow: false, downArrow: false, escape: false, return: false, ctrl: false };

describe('dashboard state', () => {
  it('rows are sorted by service, keep their last log line, and the selection follows its container', () => {
    let s = initialState([fact('web'), fact('db')]);
    expect(s.rows.map((r) => r.service)).toEqual(['db', 'web']);
    s = reduce(s, { type: 'key', key: 'down' });
    s = reduce(s, { type: 'log', container: 'shop-web-1', text: 'listening on :80' });
    expect(s.rows[1]?.lastLog).toBe('listening on :80');
    // A new service sorted in before web: the selection stays on web, the log line stays with it.
    s = reduce(s, { type: 'containers', containers: [fact('web', { restarts: 2 }), fact('db'), fact('api')] });
    expect(s.rows[s.selected]?.container).toBe('shop-web-1');
    expect(s.rows[s.selected]?.lastLog).toBe('listening on :80');
    expect(s.rows[s.selected]?.restarts).toBe(2);
    // Its container gone (a rebuild recreates it under the same name later): the selection stays in range.
    s = reduce(s, { type: 'containers', containers: [fact('api')] });
    expect(s.selected).toBe(0);
  });

  it('the selection stops at both ends', () => {
    let s = initialState([fact('a'), fact('b')]);
    s = reduce(s, { type: 'key', key: 'up' });
    expect(s.selected).toBe(0);
    for (let i = 0; i < 5; i++) s = reduce(s, { type: 'key', key: 'down' });
    expect(s.selected).toBe(1);
  });

  it('log lines lose their control characters and only the last ones are kept', () => {
    let s = initialState([fact('web')]);
    s = reduce(s, { type: 'log', container: 'shop-web-1', text: '\x1b[31mred\x1b[0m\tand\x07bell' });
    expect(s.rows[0]?.lastLog).toBe('red and bell');
    for (let i = 0; i < KEPT_LOG_LINES + 10; i++)
      s = reduce(s, { type: 'log', container: 'shop-web-1', text: `l${i}` });
    expect(s.logs['shop-web-1']).toHaveLength(KEPT_LOG_LINES);
    expect(s.logs['shop-web-1']?.at(-1)).toBe(`l${KEPT_LOG_LINES + 9}`);
  });

  it('the table shows state, health, ports, restarts, image and the last log line; unhealthy or exited is red', () => {
    let s = initialState([
      fact('web', { ports: '0.0.0.0:8080->80/tcp', health: 'healthy', restarts: 3 }),
      fact('db', { state: 'exited' }),
    ]);
    s = reduce(s, { type: 'log', container: 'shop-web-1', text: 'GET / 200' });
    const lines = screenLines(s, SIZE);
    expect(lines[0]?.text).toMatch(/^ {2}SERVICE\s+CONTAINER\s+STATE\s+HEALTH\s+PORTS\s+RESTARTS\s+IMAGE\s+LAST LOG$/);
    expect(lines[1]).toEqual({
      text: expect.stringMatching(/^› db\s+shop-db-1\s+exited\s+-\s+-\s+0\s+shop\/db:1$/),
      tone: 'selected',
    });
    expect(lines[2]?.text).toMatch(
      /^ {2}web\s+shop-web-1\s+running\s+healthy\s+0\.0\.0\.0:8080->80\/tcp\s+3\s+shop\/web:1\s+GET \/ 200$/,
    );
    expect(lines[2]?.tone).toBe('good');
    s = reduce(s, { type: 'key', key: 'down' });
    expect(screenLines(s, SIZE)[1]?.tone).toBe('bad');
    expect(lines.at(-1)?.text).toBe(KEYS_HELP);
  });

  it('a long log line is cut to the terminal with an ellipsis, never wrapped', () => {
    let s = initialState([fact('web')]);
    s = reduce(s, { type: 'log', container: 'shop-web-1', text: 'x'.repeat(500) });
    const row = screenLines(s, { columns: 60, rows: 10 })[1]?.text ?? '';
    expect(row).toHaveLength(60);
    expect(row.endsWith('…')).toBe(true);
  });

  it("the latest watch event shows with its latency; following shows one container's log", () => {
    let s = initialState([fact('web'), fact('db')]);
    s = reduce(s, {
      type: 'watch',
      event: { kind: 'synced', service: 'web', container: 'shop-web-1', written: 2, deleted: 0, ms: 12 },
    });
    expect(screenLines(s, SIZE).map((l) => l.text)).toContain('⦿ synced 2 files to shop-web-1 in 12 ms');
    s = reduce(s, { type: 'watch', event: { kind: 'rebuilt', service: 'web', ms: 2400 } });
    expect(screenLines(s, SIZE).map((l) => l.text)).toContain('⦿ rebuilt and recreated web in 2.4 s');
    for (let i = 0; i < 30; i++) s = reduce(s, { type: 'log', container: 'shop-db-1', text: `db line ${i}` });
    s = reduce(s, { type: 'key', key: 'follow' });
    const lines = screenLines(s, SIZE).map((l) => l.text);
    expect(lines[0]).toBe('logs of shop-db-1');
    expect(lines).toContain('db line 29');
    expect(lines).not.toContain('db line 0');
    expect(lines.length).toBeLessThanOrEqual(SIZE.rows);
    expect(lines.at(-1)).toBe(FOLLOW_HELP);
    s = reduce(s, { type: 'key', key: 'back' });
    expect(s.following).toBeUndefined();
  });

  it('quitting says so', () => {
    const s = reduce(initialState([fact('web')]), { type: 'quit' });
    expect(s.quitting).toBe(true);
    expect(screenLines(s, SIZE).map((l) => l.text)).toContain('stopping the stack...');
  });

  it('keys map to commands', () => {
    expect(keyCommand('r', noKey)).toBe('restart');
    expect(keyCommand('b', noKey)).toBe('rebuild');
    expect(keyCommand('q', noKey)).toBe('quit');
    expect(keyCommand('c', { ...noKey, ctrl: true })).toBe('quit');
    expect(keyCommand('c', noKey)).toBeUndefined();
    expect(keyCommand('', { ...noKey, upArrow: true })).toBe('up');
    expect(keyCommand('j', noKey)).toBe('down');
    expect(keyCommand('', { ...noKey, return: true })).toBe('follow');
    expect(keyCommand('', { ...noKey, escape: true })).toBe('back');
  });
});
