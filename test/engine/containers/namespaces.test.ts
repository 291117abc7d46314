// PidMode and IpcMode by dockerd 20.10's rules, on inline records: what create accepts and stores, and which
// namespace a start joins or refuses to join (the words are dockerd's, checked against it in
// test/cli/parity-runtime.test.ts).
import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../../../src/engine/containers/container-store.js';
import { newState } from '../../../src/engine/containers/container-store.js';
import { normalizeNamespaceModes, resolveNamespaces } from '../../../src/engine/containers/namespaces.js';

function record(id: string, name: string, hostConfig: Record<string, unknown>, pid = 0): ContainerRecord {
  const state = pid ? { ...newState(), Status: 'running' as const, Running: true, Pid: pid } : newState();
  return { id, name, created: '', image: 'i', imageId: 'i', config: {}, hostConfig, state, restartCount: 0 };
}

const donor = record('a'.repeat(64), 'donor', { IpcMode: 'shareable' }, 4242);
const privateOne = record('b'.repeat(64), 'priv', { IpcMode: 'private' }, 4343);
const stopped = record('c'.repeat(64), 'stopped', { IpcMode: 'shareable' });
const all = [donor, privateOne, stopped];
const find = (ref: string): ContainerRecord | undefined => all.find((c) => c.id.startsWith(ref) || c.name === ref);

describe('normalizeNamespaceModes (create)', () => {
  it('must store IpcMode "private" when none is given and leave PidMode empty, as dockerd 20.10 does', () => {
    expect(normalizeNamespaceModes({}, find)).toEqual({ IpcMode: 'private' });
    expect(normalizeNamespaceModes({ IpcMode: 'host', PidMode: 'host' }, find)).toEqual({
      IpcMode: 'host',
      PidMode: 'host',
    });
  });

  it("must write a joined container's full id for its name", () => {
    expect(normalizeNamespaceModes({ PidMode: 'container:donor', IpcMode: 'container:donor' }, find)).toEqual({
      PidMode: `container:${donor.id}`,
      IpcMode: `container:${donor.id}`,
    });
  });

  it('must refuse an unknown mode and a container that does not exist, as bad requests', () => {
    expect(() => normalizeNamespaceModes({ IpcMode: 'bogus' }, find)).toThrow(
      expect.objectContaining({ kind: 'invalid', message: 'Invalid IPC mode: bogus' }),
    );
    expect(() => normalizeNamespaceModes({ PidMode: 'private' }, find)).toThrow(/invalid PID mode: private/);
    expect(() => normalizeNamespaceModes({ PidMode: 'container:' }, find)).toThrow(/invalid PID mode/);
    expect(() => normalizeNamespaceModes({ PidMode: 'container:nope' }, find)).toThrow(
      expect.objectContaining({ kind: 'invalid', message: 'No such container: nope' }),
    );
  });
});

describe('resolveNamespaces (start)', () => {
  const joiner = (host: Record<string, unknown>): ContainerRecord => record('d'.repeat(64), 'joiner', host);

  it('must make new namespaces by default and keep the host ones for mode host', () => {
    expect(resolveNamespaces(joiner({ IpcMode: 'private' }), find)).toEqual({ pidns: 'new', ipcns: 'new' });
    expect(resolveNamespaces(joiner({ PidMode: 'host', IpcMode: 'host' }), find)).toEqual({
      pidns: 'host',
      ipcns: 'host',
      shm: 'host',
    });
    // a shareable container binds its own host-side /dev/shm, so that joiners can bind it too
    expect(resolveNamespaces(donor, find)).toEqual({ pidns: 'new', ipcns: 'new', shm: donor.id });
  });

  it("must join the running target's init process namespaces and its /dev/shm", () => {
    const c = joiner({ PidMode: `container:${donor.id}`, IpcMode: `container:${donor.id}` });
    expect(resolveNamespaces(c, find)).toEqual({
      pidns: { path: '/proc/4242/ns/pid' },
      ipcns: { path: '/proc/4242/ns/ipc' },
      shm: donor.id,
    });
  });

  it('must refuse a target that is not running, or (ipc) not shareable, with dockerd words', () => {
    expect(() => resolveNamespaces(joiner({ PidMode: `container:${stopped.id}` }), find)).toThrow(
      expect.objectContaining({ kind: 'conflict', message: `container ${stopped.id} is not running` }),
    );
    expect(() => resolveNamespaces(joiner({ IpcMode: `container:${stopped.id}` }), find)).toThrow(
      `can't join IPC of container ${stopped.id}: container ${stopped.id} is not running`,
    );
    expect(() => resolveNamespaces(joiner({ IpcMode: `container:${privateOne.id}` }), find)).toThrow(
      `can't join IPC of container ${privateOne.id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`,
    );
    expect(() => resolveNamespaces(joiner({ PidMode: 'container:gone' }), find)).toThrow(/No such container: gone/);
  });
});
