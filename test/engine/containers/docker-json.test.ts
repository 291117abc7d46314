// The container list's Command, as dockerd writes it, so `docker ps` and `berth ps` show what they show on dockerd.
import { describe, expect, it } from 'vitest';
import { newState } from '../../../src/engine/containers/container-store.js';
import type { ContainerRecord } from '../../../src/engine/containers/container-store.js';
import { summaryCommand, summaryJson, withImageExposedPorts } from '../../../src/engine/containers/docker-json.js';

describe('summaryCommand', () => {
  it('quotes the arguments that hold a space, as dockerd does, and nothing else', () => {
    expect(summaryCommand('sh', ['-c', 'while true; do sleep 1; done'])).toBe("sh -c 'while true; do sleep 1; done'");
    expect(summaryCommand('httpd', ['-f', '-p', '80'])).toBe('httpd -f -p 80');
    expect(summaryCommand('sleep', [])).toBe('sleep');
  });
});

describe('withImageExposedPorts', () => {
  it("must add the image's EXPOSE ports to the container's, as dockerd's create merges them", () => {
    const image = { ExposedPorts: { '80/tcp': {}, '53/udp': {} } };
    expect(withImageExposedPorts({ Cmd: ['x'] }, image)).toEqual({
      Cmd: ['x'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
    });
    expect(withImageExposedPorts({ ExposedPorts: { '9000/tcp': {} } }, image).ExposedPorts).toEqual({
      '80/tcp': {},
      '53/udp': {},
      '9000/tcp': {},
    });
    const config = { ExposedPorts: null };
    expect(withImageExposedPorts(config, {})).toBe(config);
  });
});

describe('summaryJson of a record stored before create bodies were type-checked', () => {
  const record = (config: Record<string, unknown>): ContainerRecord => ({
    id: 'a'.repeat(64),
    name: 'old',
    created: '2026-01-01T00:00:00Z',
    image: 'busybox',
    imageId: 'sha256:' + 'b'.repeat(64),
    config,
    hostConfig: {},
    state: newState(),
    restartCount: 0,
  });
  const summary = (config: Record<string, unknown>): unknown =>
    summaryJson(record(config), { Cmd: ['sh'] }, { mounts: [], networkSettings: {} });

  it('must list an object Cmd as unset (the image command) instead of failing the whole list', () => {
    expect(summary({ Cmd: { a: 1 } })).toMatchObject({ Command: 'sh' });
  });

  it('must show a string Cmd as one element, not split into characters', () => {
    // dockerd 20.10 lists the same record as "echo hi" too: the path is not quoted, only arguments are.
    expect(summary({ Cmd: 'echo hi' })).toMatchObject({ Command: 'echo hi' });
  });
});
