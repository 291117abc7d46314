// `down` when a service was removed from the stack file: its container (an orphan) stays on the project's network,
// so the network cannot go; the error's hint must name --remove-orphans, which then takes everything down.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downHint } from '../../src/cli/commands/down.js';
import type { StackEngine } from './stack-engine.js';
import { startStackEngine } from './stack-engine.js';

const hasRunc = spawnSync('runc', ['--version']).status === 0 && spawnSync('docker', ['--version']).status === 0;

const service = (name: string): string => `
  ${name}:
    image: \${IMAGE}
    command: ['sleep', '3600']
    stop_grace_period: 0s`;

describe('downHint', () => {
  const network = {
    id: 'a4' as const,
    kind: 'remove-network' as const,
    row: { resource: 'network' as const, name: 'shop_default' },
    reason: 'down',
    network: 'shop_default',
  };
  it('names --remove-orphans and the orphans when a network could not be removed', () => {
    expect(downHint({ ...network, after: [] }, ['shop-old-1'])).toBe(
      'orphan containers still use it (shop-old-1): run berth down --remove-orphans',
    );
  });
  it('says to run down again otherwise', () => {
    expect(downHint({ ...network, after: [] }, [])).toBe('run berth down again once the cause is fixed');
  });
});

describe.runIf(hasRunc)('down with an orphan on berthd', () => {
  let e: StackEngine;

  beforeAll(async () => {
    e = await startStackEngine('orphan', `services:${service('web')}${service('old')}\n`);
    const up = await e.berth('up', '-d');
    expect(up.code, up.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => e?.close(), 60_000);

  it('fails naming --remove-orphans, and down --remove-orphans removes everything', async () => {
    writeFileSync(join(e.dir, 'compose.yaml'), `services:${service('web')}\n`);
    const down = await e.berth('--progress', 'plain', 'down', '-t', '0');
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`run berth down --remove-orphans`);
    expect(down.stderr).toContain(`${e.project}-old-1`);
    const clean = await e.berth('--progress', 'plain', 'down', '--remove-orphans', '-t', '0');
    expect(clean.code, clean.stderr).toBe(0);
    const left = await e.client.call<unknown[]>('GET', '/containers/json', {
      query: { all: 1, filters: JSON.stringify({ label: [`com.docker.compose.project=${e.project}`] }) },
    });
    expect(left).toEqual([]);
    const networks = await e.client.call<unknown[]>('GET', '/networks', {
      query: { filters: JSON.stringify({ label: [`com.docker.compose.project=${e.project}`] }) },
    });
    expect(networks).toEqual([]);
  }, 60_000);
});
