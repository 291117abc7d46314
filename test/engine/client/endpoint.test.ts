// Which engine berth talks to: the docker CLI's order of --host, --context, DOCKER_HOST, DOCKER_CONTEXT and the
// current context, with berthd when none is given. Context files come from an in-memory map.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engineEndpoint } from '../../../src/client/endpoint.js';
import type { ContextFiles } from '../../../src/client/docker-context.js';

const CONFIG = '/home/u/.docker';
const metaPath = (name: string): string =>
  `${CONFIG}/contexts/meta/${createHash('sha256').update(name).digest('hex')}/meta.json`;

function filesOf(contexts: Record<string, string>, current?: string): ContextFiles {
  const map = new Map<string, string>();
  for (const [name, host] of Object.entries(contexts)) {
    map.set(metaPath(name), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  }
  if (current !== undefined) map.set(`${CONFIG}/config.json`, JSON.stringify({ currentContext: current }));
  return {
    read: (p) => map.get(p),
    list: (dir) =>
      [...map.keys()].filter((k) => k.startsWith(`${dir}/`)).map((k) => k.slice(dir.length + 1).split('/')[0] ?? ''),
  };
}

const env = { HOME: '/home/u', BERTH_SOCKET: '/run/b.sock' };
const files = filesOf({ remote: 'unix:///srv/remote.sock', other: 'unix:///srv/other.sock' }, 'other');

describe('engineEndpoint', () => {
  it('--host wins over everything, then --context, then DOCKER_HOST, then DOCKER_CONTEXT, then the current context', () => {
    const all = { ...env, DOCKER_HOST: 'unix:///env.sock', DOCKER_CONTEXT: 'remote' };
    expect(engineEndpoint(all, { host: 'unix:///flag.sock', context: 'remote' }, files)).toMatchObject({
      socketPath: '/flag.sock',
      source: '--host',
    });
    expect(engineEndpoint(all, { context: 'remote' }, files).socketPath).toBe('/srv/remote.sock');
    expect(engineEndpoint(all, {}, files)).toMatchObject({ socketPath: '/env.sock', source: 'DOCKER_HOST' });
    expect(engineEndpoint({ ...env, DOCKER_CONTEXT: 'remote' }, {}, files).socketPath).toBe('/srv/remote.sock');
    expect(engineEndpoint(env, {}, files)).toMatchObject({ socketPath: '/srv/other.sock', builtIn: false });
  });

  it('is berthd with no choice at all, and for the context "default"', () => {
    expect(engineEndpoint(env, {}, filesOf({}))).toEqual({
      socketPath: '/run/b.sock',
      builtIn: true,
      source: 'berthd',
    });
    expect(engineEndpoint(env, { context: 'default' }, files).builtIn).toBe(true);
    expect(engineEndpoint(env, {}, filesOf({}, 'default')).builtIn).toBe(true);
  });

  it('an unknown context fails and lists the known ones', () => {
    expect(() => engineEndpoint(env, { context: 'nope' }, files)).toThrowError(
      expect.objectContaining({
        code: 'CLI_NO_SUCH_CONTEXT',
        message: 'context "nope" does not exist',
        hint: 'the contexts are: default, other, remote (docker context ls)',
      }),
    );
  });

  it('a tcp:// address is refused with a way to forward the socket, not silently replaced by berthd', () => {
    expect(() => engineEndpoint({ ...env, DOCKER_HOST: 'tcp://10.0.0.5:2375' }, {}, files)).toThrowError(
      expect.objectContaining({ code: 'CLI_ENGINE_ADDRESS', hint: expect.stringContaining('ssh -nNT -L') }),
    );
  });
});
