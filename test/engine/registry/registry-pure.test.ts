// The pure parts of berthd's registry client, on inline data: auth challenges, manifests and platform selection,
// endpoints by Docker's TLS rules, the token cache, the X-Registry-Auth header and login addresses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRegistryAuth, registryOfAddress } from '../../../src/engine/images/registry-images.js';
import { parseChallenge } from '../../../src/engine/registry/challenge.js';
import {
  endpointsFor,
  isListedInsecure,
  isLoopback,
  loadRegistryConfig,
} from '../../../src/engine/registry/endpoints.js';
import { MEDIA, parseManifest, parsePlatform, selectPlatform } from '../../../src/engine/registry/manifests.js';
import { registryMessage } from '../../../src/engine/registry/registry-errors.js';
import { TokenCache } from '../../../src/engine/registry/token-cache.js';

const D = (c: string): `sha256:${string}` => `sha256:${c.repeat(64)}`;

describe('parseChallenge', () => {
  it('reads a bearer challenge with quoted, escaped and bare values', () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example/token",service="reg \\"x\\"",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://auth.example/token',
      service: 'reg "x"',
      scope: 'repository:a/b:pull,push',
    });
    expect(parseChallenge('bearer realm=https://a/t')).toEqual({ scheme: 'bearer', realm: 'https://a/t' });
  });
  it('reads basic, and treats anything else as no challenge', () => {
    expect(parseChallenge('Basic realm="berth-test"')).toEqual({ scheme: 'basic', realm: 'berth-test' });
    expect(parseChallenge(undefined)).toEqual({ scheme: 'none' });
    expect(parseChallenge('Bearer service="x"')).toEqual({ scheme: 'none' }); // no realm: nowhere to ask
  });
});

describe('parseManifest', () => {
  const image = {
    schemaVersion: 2,
    mediaType: MEDIA.dockerManifest,
    config: { mediaType: MEDIA.dockerConfig, digest: D('c'), size: 10 },
    layers: [{ mediaType: MEDIA.dockerLayerGzip, digest: D('1'), size: 20 }],
  };
  it('reads an image manifest and an index', () => {
    const m = parseManifest(Buffer.from(JSON.stringify(image)), undefined, 'r/a:1');
    expect(m).toMatchObject({ kind: 'image', config: { digest: D('c') }, layers: [{ digest: D('1'), size: 20 }] });
    const index = { schemaVersion: 2, manifests: [{ mediaType: MEDIA.ociManifest, digest: D('2'), size: 5 }] };
    expect(parseManifest(Buffer.from(JSON.stringify(index)), MEDIA.ociIndex, 'r/a:1')).toMatchObject({
      kind: 'index',
      mediaType: MEDIA.ociIndex,
    });
  });
  it('refuses schema 1, bad descriptors and unknown documents with where they came from', () => {
    const v1 = JSON.stringify({ schemaVersion: 1, name: 'a', fsLayers: [] });
    expect(() =>
      parseManifest(Buffer.from(v1), 'application/vnd.docker.distribution.manifest.v1+prettyjws', 'r/a:1'),
    ).toThrow(/r\/a:1 has a Docker schema 1 manifest/);
    const bad = { ...image, layers: [{ digest: 'sha256:short', size: 1 }] };
    expect(() => parseManifest(Buffer.from(JSON.stringify(bad)), undefined, 'r/a:1')).toThrow(
      /without a sha256 digest/,
    );
    expect(() => parseManifest(Buffer.from('{}'), 'text/plain', 'r/a:1')).toThrow(/unknown media type "text\/plain"/);
    expect(() => parseManifest(Buffer.from('<html>'), undefined, 'r/a:1')).toThrow(/is not JSON/);
  });
});

describe('selectPlatform', () => {
  const list = [
    {
      mediaType: MEDIA.ociManifest,
      digest: D('a'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    },
    { mediaType: MEDIA.ociManifest, digest: D('b'), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    {
      mediaType: MEDIA.ociManifest,
      digest: D('c'),
      size: 1,
      platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
    },
  ];
  it('picks by os, architecture and variant (arm64 defaults to v8)', () => {
    expect(selectPlatform(list, parsePlatform('linux/amd64'), 'x').digest).toBe(D('b'));
    expect(selectPlatform(list, parsePlatform('linux/arm64'), 'x').digest).toBe(D('a'));
    expect(selectPlatform(list, parsePlatform('linux/aarch64/v8'), 'x').digest).toBe(D('a'));
    expect(selectPlatform(list, parsePlatform('linux/arm/v7'), 'x').digest).toBe(D('c'));
  });
  it('names what the list has when nothing fits, and refuses a malformed platform', () => {
    expect(() => selectPlatform(list, parsePlatform('linux/s390x'), 'r/a:1')).toThrow(
      'no matching manifest for linux/s390x in the manifest list entries of r/a:1 (it has: linux/arm64/v8, linux/amd64, linux/arm/v7)',
    );
    expect(() => parsePlatform('linux')).toThrow(/is not os\/arch/);
  });
});

describe('endpoints', () => {
  const config = {
    configDir: '/nonexistent',
    insecureRegistries: ['reg.lan:5000', '10.1.0.0/16'],
    registryMirrors: ['mirror.lan'],
  };
  it('allows plain HTTP only for loopback and insecure registries', () => {
    expect(isLoopback('localhost:5000')).toBe(true);
    expect(isLoopback('127.3.2.1')).toBe(true);
    expect(isLoopback('[::1]:5000')).toBe(true);
    expect(isLoopback('localhost.example.com')).toBe(false);
    expect(isListedInsecure('reg.lan:5000', config.insecureRegistries)).toBe(true);
    expect(isListedInsecure('reg.lan:5001', config.insecureRegistries)).toBe(false);
    expect(isListedInsecure('10.1.200.3:443', config.insecureRegistries)).toBe(true);
    expect(isListedInsecure('10.2.0.1', config.insecureRegistries)).toBe(false);
    const [secure] = endpointsFor('ghcr.io', config);
    expect(secure).toMatchObject({ plainHttpFallback: false, tls: { rejectUnauthorized: true } });
    expect(secure?.base.href).toBe('https://ghcr.io/');
    expect(endpointsFor('reg.lan:5000', config)[0]).toMatchObject({
      plainHttpFallback: true,
      tls: { rejectUnauthorized: false },
    });
    expect(endpointsFor('localhost:5000', config)[0]).toMatchObject({
      plainHttpFallback: true,
      tls: { rejectUnauthorized: true },
    });
  });
  it('reaches docker.io through its mirrors, then registry-1.docker.io', () => {
    expect(endpointsFor('docker.io', config).map((e) => [e.base.href, e.mirror])).toEqual([
      ['https://mirror.lan/', true],
      ['https://registry-1.docker.io/', false],
    ]);
  });
  it('reads daemon.json and certs.d', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-endpoints-'));
    try {
      writeFileSync(
        join(dir, 'daemon.json'),
        JSON.stringify({ 'insecure-registries': ['a:1'], 'registry-mirrors': [] }),
      );
      mkdirSync(join(dir, 'certs.d', 'reg.io:5000'), { recursive: true });
      writeFileSync(join(dir, 'certs.d', 'reg.io:5000', 'ca.crt'), 'CA PEM');
      writeFileSync(join(dir, 'certs.d', 'reg.io:5000', 'client.cert'), 'CERT');
      writeFileSync(join(dir, 'certs.d', 'reg.io:5000', 'client.key'), 'KEY');
      const loaded = loadRegistryConfig(dir);
      expect(loaded.insecureRegistries).toEqual(['a:1']);
      const tls = endpointsFor('reg.io:5000', loaded)[0]?.tls;
      expect(tls?.ca?.at(-1)).toBe('CA PEM');
      expect(tls?.ca?.length).toBeGreaterThan(1); // the system's CAs stay
      expect([tls?.cert, tls?.key]).toEqual(['CERT', 'KEY']);
      writeFileSync(join(dir, 'daemon.json'), JSON.stringify({ 'insecure-registries': 'a:1' }));
      expect(() => loadRegistryConfig(dir)).toThrow(/"insecure-registries" must be a list of strings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TokenCache', () => {
  it('reuses a token per scope until 10 s before it expires', () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    const pull = TokenCache.key({ realm: 'r', service: 's', scope: 'repository:a:pull' });
    const push = TokenCache.key({ realm: 'r', service: 's', scope: 'repository:a:pull,push' });
    cache.put(pull, 'T1', 60);
    expect(cache.get(pull)).toBe('T1');
    expect(cache.get(push)).toBeUndefined();
    now += 49_000;
    expect(cache.get(pull)).toBe('T1');
    now += 2_000;
    expect(cache.get(pull)).toBeUndefined();
  });
});

describe('credentials and errors', () => {
  it('decodes X-Registry-Auth (base64url JSON; {} is anonymous)', () => {
    const enc = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url');
    expect(decodeRegistryAuth(enc({ username: 'u', password: 'p', serveraddress: 'x' }))).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(decodeRegistryAuth(enc({}))).toBeUndefined();
    expect(decodeRegistryAuth(undefined)).toBeUndefined();
    expect(() => decodeRegistryAuth('!!!')).toThrow(/X-Registry-Auth/);
  });
  it('maps login addresses to registries', () => {
    expect(registryOfAddress('https://index.docker.io/v1/')).toBe('docker.io');
    expect(registryOfAddress('localhost:5000')).toBe('localhost:5000');
    expect(registryOfAddress('http://reg:5000/')).toBe('reg:5000');
  });
  it("keeps the registry's own message", () => {
    expect(
      registryMessage('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'),
    ).toBe('requested access to the resource is denied');
    expect(registryMessage('<html>Bad Gateway</html>')).toBe('<html>Bad Gateway</html>');
  });
});
