// Credentials as the docker CLI keeps them, on data: the registry key of an image (Docker Hub's URL included), the
// auths entries (base64 `auth`, identity tokens, URL keys), credHelpers over credsStore, the helper's answer, and
// the X-Registry-Auth encoding an engine decodes.
import { describe, expect, it } from 'vitest';
import type { CredentialHelper, DockerConfig } from '../../src/cli/registry-auth.js';
import {
  DOCKER_HUB_AUTH_KEY,
  authFromEntry,
  encodeRegistryAuth,
  findCredentials,
  registryKey,
} from '../../src/cli/registry-auth.js';

const basic = (user: string, password: string): string => Buffer.from(`${user}:${password}`).toString('base64');

describe('registryKey', () => {
  it('must use Docker Hub URL for docker.io images and host:port for the others', () => {
    expect(registryKey('postgres:16')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(registryKey('docker.io/bitnami/redis')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(registryKey('ghcr.io/org/app:1.2')).toBe('ghcr.io');
    expect(registryKey('127.0.0.1:5000/x')).toBe('127.0.0.1:5000');
    expect(registryKey('localhost/x')).toBe('localhost');
  });
});

describe('X-Registry-Auth', () => {
  it('must be padded URL-safe base64 of the JSON, which decodes back to the same credentials', () => {
    const auth = { username: 'al?ce', password: 'p>w~~', serveraddress: 'ghcr.io' };
    const header = encodeRegistryAuth(auth);
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(header.length % 4).toBe(0);
    expect(JSON.parse(Buffer.from(header, 'base64url').toString('utf8'))).toEqual(auth);
    const token = encodeRegistryAuth({ identitytoken: 'tok', serveraddress: 'r.example' });
    expect(JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))).toEqual({
      identitytoken: 'tok',
      serveraddress: 'r.example',
    });
  });
});

describe('authFromEntry', () => {
  it('must decode `auth`, keep a password that has colons, and prefer an identity token', () => {
    const config: DockerConfig = {
      auths: {
        'ghcr.io': { auth: basic('alice', 'a:b:c') },
        'https://r.example/v1/': { auth: basic('bob', 'pw') },
        'tok.example': { identitytoken: 'refresh-me' },
      },
    };
    expect(authFromEntry(config, 'ghcr.io')).toEqual({
      username: 'alice',
      password: 'a:b:c',
      serveraddress: 'ghcr.io',
    });
    expect(authFromEntry(config, 'r.example')).toMatchObject({ username: 'bob', password: 'pw' });
    expect(authFromEntry(config, 'tok.example')).toEqual({ identitytoken: 'refresh-me', serveraddress: 'tok.example' });
    expect(authFromEntry(config, 'other.example')).toBeUndefined();
  });

  it("must find Docker Hub's entry under its URL or one of its host names", () => {
    const byHost: DockerConfig = { auths: { 'docker.io': { auth: basic('hub', 'pw') } } };
    expect(authFromEntry(byHost, DOCKER_HUB_AUTH_KEY)).toEqual({
      username: 'hub',
      password: 'pw',
      serveraddress: DOCKER_HUB_AUTH_KEY,
    });
    const byUrl: DockerConfig = { auths: { [DOCKER_HUB_AUTH_KEY]: { auth: basic('hub2', 'pw') } } };
    expect(authFromEntry(byUrl, DOCKER_HUB_AUTH_KEY)).toMatchObject({ username: 'hub2' });
  });

  it('must refuse an auth that is not user:password, naming the registry', () => {
    const config: DockerConfig = { auths: { 'ghcr.io': { auth: Buffer.from('nocolon').toString('base64') } } };
    expect(() => authFromEntry(config, 'ghcr.io')).toThrow(/auths entry for ghcr.io/);
  });
});

describe('findCredentials', () => {
  const asked: string[] = [];
  const helper: CredentialHelper = async (name, server) => {
    asked.push(`${name} ${server}`);
    if (server === 'none.example') return undefined;
    if (name === 'tokens') return JSON.stringify({ ServerURL: server, Username: '<token>', Secret: 'idt' });
    return JSON.stringify({ ServerURL: server, Username: `${name}-user`, Secret: `${name}-secret` });
  };
  const config: DockerConfig = {
    credsStore: 'store',
    credHelpers: { 'ghcr.io': 'gh', 'tok.example': 'tokens' },
    auths: { 'none.example': { auth: basic('unused', 'unused') } },
  };

  it('must ask the credHelpers entry for its registry and the credsStore for the others', async () => {
    expect(await findCredentials(config, 'ghcr.io', helper)).toEqual({
      username: 'gh-user',
      password: 'gh-secret',
      serveraddress: 'ghcr.io',
    });
    expect(await findCredentials(config, DOCKER_HUB_AUTH_KEY, helper)).toMatchObject({ username: 'store-user' });
    expect(asked).toEqual(['gh ghcr.io', `store ${DOCKER_HUB_AUTH_KEY}`]);
  });

  it("must read the helper's <token> user as an identity token, and not found as anonymous", async () => {
    expect(await findCredentials(config, 'tok.example', helper)).toEqual({
      identitytoken: 'idt',
      serveraddress: 'tok.example',
    });
    expect(await findCredentials(config, 'none.example', helper)).toBeUndefined();
  });

  it('must use the auths entries when there is no helper', async () => {
    const plain: DockerConfig = { auths: { 'ghcr.io': { auth: basic('alice', 'pw') } } };
    expect(await findCredentials(plain, 'ghcr.io', helper)).toMatchObject({ username: 'alice', password: 'pw' });
  });
});
