// docker push and docker pull through berthd against a real registry (Debian's docker-registry) over plain HTTP on
// 127.0.0.1: the image comes back with the same ID and runs; RepoDigests are recorded; an OCI index with two
// platforms resolves to this machine's; a corrupted blob fails the pull with a digest error and tags nothing.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Berthd, startBerthd } from '../../../src/engine/daemon/berthd.js';
import { runDocker } from '../docker-cli.js';
import { makeBusyboxImage, makeBusyboxOciTar, makeBusyboxSaveTar, sha256 } from '../fixtures/busybox-image.js';
import { blobDataPath, startRegistry, type TestRegistry } from './registry-server.js';

const hasTools =
  spawnSync('docker-registry', ['--version']).status === 0 && spawnSync('runc', ['--version']).status === 0;

describe.runIf(hasTools)('berthd pulls from and pushes to a plain HTTP registry', () => {
  let dir: string;
  let daemon: Berthd;
  let registry: TestRegistry;
  const docker = (...args: string[]) =>
    runDocker(daemon.socket, args, 60_000).then((r) => ({ ...r, out: r.stdout + r.stderr }));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
    process.env.DOCKER_CONFIG = join(dir, 'docker-config');
    mkdirSync(process.env.DOCKER_CONFIG);
    registry = await startRegistry(join(dir, 'registry'));
    daemon = await startBerthd({
      root: join(dir, 'root'),
      socket: join(dir, 'run', 'berth.sock'),
      configDir: join(dir, 'etc'),
    });
  }, 30_000);

  afterAll(async () => {
    const ids = (await runDocker(daemon.socket, ['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await runDocker(daemon.socket, ['rm', '-f', ...ids]);
    await daemon?.close();
    await registry?.stop();
    delete process.env.DOCKER_CONFIG;
    rmSync(dir, { recursive: true, force: true });
  });

  it('pushes a loaded image, and pulls it back after rmi with the same ID; it runs and shows its digest', async () => {
    const ref = `${registry.host}/berth/busybox:1`;
    writeFileSync(join(dir, 'bb.tar'), await makeBusyboxSaveTar({ tags: [ref], gzip: true }));
    expect((await docker('load', '-i', join(dir, 'bb.tar'))).code).toBe(0);
    const id = (await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim();

    const push = await docker('push', ref);
    expect(push.out).toMatch(/The push refers to repository \[127\.0\.0\.1:\d+\/berth\/busybox\]/);
    expect(push.out).toMatch(/1: digest: sha256:[0-9a-f]{64} size: \d+/);
    expect(push.code).toBe(0);
    const pushedDigest = /digest: (sha256:[0-9a-f]{64})/.exec(push.out)?.[1];

    expect((await docker('rmi', ref)).code).toBe(0);
    expect((await docker('image', 'inspect', ref)).code).not.toBe(0);

    const pull = await docker('pull', ref);
    expect(pull.code).toBe(0);
    expect(pull.out).toContain(`Digest: ${pushedDigest}`);
    expect(pull.out).toContain(`Status: Downloaded newer image for ${ref}`);
    expect((await docker('inspect', '-f', '{{.Id}}', ref)).stdout.trim()).toBe(id);
    expect((await docker('inspect', '-f', '{{json .RepoDigests}}', ref)).stdout).toContain(
      `${registry.host}/berth/busybox@${pushedDigest}`,
    );
    const digests = await docker('images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}');
    expect(digests.stdout).toContain(`${registry.host}/berth/busybox 1 ${pushedDigest}`);
    const run = await docker('run', '--rm', ref, 'echo', 'pulled and running');
    expect(run.stdout).toContain('pulled and running');

    const again = await docker('pull', ref);
    expect(again.out).toContain(`Status: Image is up to date for ${ref}`);

    const other = `${registry.host}/berth/other:1`; // same registry, another repository: blobs are mounted
    expect((await docker('tag', ref, other)).code).toBe(0);
    const mounted = await docker('push', other);
    expect(mounted.code, mounted.out).toBe(0);
    expect(mounted.out).toMatch(/: Mounted from berth\/busybox/);
    expect((await docker('push', other)).out).toMatch(/: Layer already exists/);
  }, 120_000);

  it('a build pulls a missing FROM image as dockerd does, and fails clearly when the registry lacks it', async () => {
    const ref = `${registry.host}/berth/base:1`;
    writeFileSync(join(dir, 'base.tar'), await makeBusyboxSaveTar({ tags: [ref], gzip: true }));
    expect((await docker('load', '-i', join(dir, 'base.tar'))).code).toBe(0);
    expect((await docker('push', ref)).code).toBe(0);
    expect((await docker('rmi', ref)).code).toBe(0);
    const ctx = join(dir, 'from-registry');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${ref}\nRUN echo built > /built\n`);
    const built = await docker('build', '-t', 'berth-from-registry:1', ctx);
    expect(built.out).toMatch(/Pulling from berth\/base/);
    expect(built.out).toContain(`Status: Downloaded newer image for ${ref}`);
    expect(built.code, built.out).toBe(0);
    expect((await docker('run', '--rm', 'berth-from-registry:1', 'cat', '/built')).stdout).toBe('built\n');
    expect((await docker('image', 'inspect', ref)).code).toBe(0);

    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${registry.host}/berth/absent:1\n`);
    const missing = await docker('build', ctx);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toMatch(/Dockerfile:1:\d+: FROM "[^"]+absent:1": .*manifest unknown/);
  });

  it('pulls by digest, and fails clearly for an unknown tag and an unreachable registry', async () => {
    const ref = `${registry.host}/berth/busybox`;
    const digest = JSON.parse((await docker('inspect', '-f', '{{json .RepoDigests}}', `${ref}:1`)).stdout)[0].split(
      '@',
    )[1];
    const byDigest = await docker('pull', `${ref}@${digest}`);
    expect(byDigest.code).toBe(0);
    const missing = await docker('pull', `${ref}:nope`);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toMatch(/manifest unknown/);
    const started = Date.now();
    const dead = await docker('pull', '127.0.0.1:1/nothing/here:1');
    expect(dead.code).not.toBe(0);
    expect(dead.out).toMatch(/registry 127\.0\.0\.1:1 is unreachable: connection to 127\.0\.0\.1:1 refused/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('picks linux/amd64 from an OCI index with amd64 and arm64 images; --platform picks the other', async () => {
    const amd = await makeBusyboxImage({ cmd: ['echo', 'amd64'], gzip: true });
    const arm = await makeBusyboxImage({ cmd: ['echo', 'arm64'], gzip: true });
    const armConfig = Buffer.from(
      JSON.stringify({
        ...JSON.parse(amd.config.toString()),
        architecture: 'arm64',
        variant: 'v8',
        config: { Cmd: ['echo', 'arm64'] },
      }),
    );
    const repo = 'berth/multi';
    const put = async (method: string, path: string, body: Buffer, type: string): Promise<void> => {
      const res = await fetch(`http://${registry.host}${path}`, { method, body, headers: { 'Content-Type': type } });
      expect(res.status, `${method} ${path}: ${await res.text()}`).toBeLessThan(300);
    };
    const blob = async (data: Buffer): Promise<void> => {
      const start = await fetch(`http://${registry.host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
      const location = new URL(start.headers.get('location') as string, `http://${registry.host}`);
      location.searchParams.set('digest', sha256(data));
      await put('PUT', location.pathname + location.search, data, 'application/octet-stream');
    };
    const manifests: Array<{ digest: string; size: number; platform: object }> = [];
    for (const [config, layers, platform] of [
      [amd.config, amd.layers, { os: 'linux', architecture: 'amd64' }],
      [armConfig, arm.layers, { os: 'linux', architecture: 'arm64', variant: 'v8' }],
    ] as const) {
      await blob(config);
      for (const l of layers) await blob(l);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: sha256(config),
            size: config.length,
          },
          layers: layers.map((l) => ({
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: sha256(l),
            size: l.length,
          })),
        }),
      );
      await put(
        'PUT',
        `/v2/${repo}/manifests/${sha256(manifest)}`,
        manifest,
        'application/vnd.oci.image.manifest.v1+json',
      );
      manifests.push({ digest: sha256(manifest), size: manifest.length, platform });
    }
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: manifests.map((m) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m })),
      }),
    );
    await put('PUT', `/v2/${repo}/manifests/2`, index, 'application/vnd.oci.image.index.v1+json');

    const ref = `${registry.host}/${repo}:2`;
    const pulled = await docker('pull', ref);
    expect(pulled.code, pulled.out).toBe(0);
    expect((await docker('inspect', '-f', '{{.Id}} {{.Architecture}}', ref)).stdout.trim()).toBe(
      `${amd.configDigest} amd64`,
    );
    expect((await docker('inspect', '-f', '{{json .RepoDigests}}', ref)).stdout).toContain(sha256(index));
    expect((await docker('run', '--rm', ref)).stdout.trim()).toBe('amd64');
    const armPull = await docker('pull', '--platform', 'linux/arm64', `${registry.host}/${repo}:2`);
    expect(armPull.code, armPull.out).toBe(0);
    expect((await docker('inspect', '-f', '{{.Id}} {{.Architecture}}', ref)).stdout.trim()).toBe(
      `${sha256(armConfig)} arm64`,
    );
    const none = await docker('pull', '--platform', 'linux/s390x', ref);
    expect(none.out).toMatch(/no matching manifest for linux\/s390x/);
  }, 120_000);

  it('pulls an OCI image that skopeo pushed, with zstd layers, and answers /distribution for it', async () => {
    const archive = join(dir, 'oci.tar');
    writeFileSync(archive, await makeBusyboxOciTar({ tags: ['1'], cmd: ['echo', 'from skopeo'] }));
    const ref = `${registry.host}/berth/oci:zstd`;
    const copy = spawnSync(
      'skopeo',
      [
        'copy',
        '--dest-tls-verify=false',
        '--format',
        'oci',
        '--dest-compress-format',
        'zstd',
        `oci-archive:${archive}`,
        `docker://${ref}`,
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: dir } },
    );
    expect(copy.status, copy.stderr).toBe(0);
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/berth/oci/manifests/zstd`, {
        headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      })
    ).json()) as { mediaType?: string; layers: Array<{ mediaType: string }> };
    expect(manifest.layers[0]?.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+zstd');

    const pull = await docker('pull', ref);
    expect(pull.code, pull.out).toBe(0);
    expect((await docker('run', '--rm', ref)).stdout.trim()).toBe('from skopeo');
    const answer = await new Promise<string>((resolve, reject) => {
      const r = request({ socketPath: daemon.socket, path: `/v1.41/distribution/${ref}/json` }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      });
      r.on('error', reject);
      r.end();
    });
    const dist = JSON.parse(answer) as { Descriptor: { mediaType: string; digest: string }; Platforms: unknown[] };
    expect(dist.Descriptor.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect((await docker('inspect', '-f', '{{json .RepoDigests}}', ref)).stdout).toContain(dist.Descriptor.digest);
    const arch = (await docker('inspect', '-f', '{{.Architecture}}', ref)).stdout.trim();
    expect(dist.Platforms).toEqual([{ architecture: arch, os: 'linux' }]);
  }, 120_000);

  it('refuses a blob corrupted in the registry with a digest error and tags nothing', async () => {
    const ref = `${registry.host}/berth/corrupt:1`;
    const marker = [{ name: 'marker', content: randomBytes(64 << 10) }]; // a layer no other image has
    writeFileSync(join(dir, 'c.tar'), await makeBusyboxSaveTar({ tags: [ref], gzip: true, extraLayers: [marker] }));
    expect((await docker('load', '-i', join(dir, 'c.tar'))).code).toBe(0);
    expect((await docker('push', ref)).code).toBe(0);
    expect((await docker('rmi', ref)).code).toBe(0);
    const manifest = (await (
      await fetch(`http://${registry.host}/v2/berth/corrupt/manifests/1`, {
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      })
    ).json()) as { layers: Array<{ digest: string }> };
    const blobDigest = manifest.layers[1]?.digest as string;
    writeFileSync(blobDataPath(registry.storage, blobDigest), Buffer.alloc(4096, 7));
    const pull = await docker('pull', ref);
    expect(pull.code).not.toBe(0);
    expect(pull.out).toMatch(/failed verification: content has digest "sha256:[0-9a-f]{64}", expected/);
    expect(pull.out).toContain(blobDigest);
    expect((await docker('image', 'inspect', ref)).code).not.toBe(0);
    expect((await docker('images', '-q')).stdout.trim()).not.toContain('corrupt');
  }, 120_000);
});
