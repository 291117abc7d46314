// The pure half of `berth image bootstrap`: names to suites, the host's apt sources to mirrors, the cache key.
import { describe, expect, it } from 'vitest';
import type { AptSource } from '../../src/cli/bootstrap/plan.js';
import {
  cacheKey,
  hostAptOptions,
  mirrorLines,
  mmdebstrapArgs,
  parseAptSources,
  releaseEpoch,
  requestFor,
  sourcesFor,
} from '../../src/cli/bootstrap/plan.js';
import { fromImages } from '../../src/cli/bootstrap/base-images.js';

const HOST = [
  {
    path: '/etc/apt/sources.list.d/debian.sources',
    text: `Types: deb
# a comment
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
`,
  },
  { path: '/etc/apt/sources.list.d/other.list', text: 'deb https://packages.example.com/apt cloud-sdk main\n' },
];

describe('bootstrap plan', () => {
  it('reads a suite and -slim from debian:<suite>[-slim], and --suite for other names', () => {
    expect(requestFor('debian:bookworm-slim', {})).toMatchObject({ suite: 'bookworm', slim: true, variant: 'minbase' });
    expect(requestFor('docker.io/library/debian:trixie', { variant: 'apt' })).toMatchObject({
      suite: 'trixie',
      slim: false,
      variant: 'apt',
    });
    expect(requestFor('me/base:1', { suite: 'bookworm', include: ['curl,', 'bash', 'curl'] }).include).toEqual([
      'bash',
      'curl',
    ]);
    expect(() => requestFor('alpine:3', {})).toThrow(expect.objectContaining({ code: 'BOOTSTRAP_NO_SUITE' }));
    expect(() => requestFor('debian:bookworm', { variant: 'full' })).toThrow(
      expect.objectContaining({ code: 'BOOTSTRAP_BAD_VARIANT' }),
    );
    expect(() => requestFor('debian:bookworm', { include: ['a;rm'] })).toThrow(
      expect.objectContaining({ code: 'BOOTSTRAP_BAD_PACKAGE' }),
    );
  });

  it("takes the suite's own source, its -updates and -security, from deb822 and one-line files", () => {
    const all = parseAptSources(HOST);
    expect(all.map((s) => `${s.uri} ${s.suite}`)).toEqual([
      'http://deb.debian.org/debian bookworm',
      'http://deb.debian.org/debian bookworm-updates',
      'http://deb.debian.org/debian-security bookworm-security',
      'https://packages.example.com/apt cloud-sdk',
    ]);
    expect(mirrorLines(sourcesFor(all, 'bookworm'))).toEqual([
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main',
      'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
    ]);
    // Another suite of the same mirror: only the suite itself, whose existence the fetch of its Release checks.
    expect(sourcesFor(all, 'trixie').map((s) => `${s.uri} ${s.suite}`)).toEqual([
      'http://deb.debian.org/debian trixie',
    ]);
    expect(sourcesFor(all, 'bookworm', 'http://mirror.local/debian/')).toEqual([
      { uri: 'http://mirror.local/debian', suite: 'bookworm', components: ['main'] },
    ]);
    expect(() => sourcesFor(parseAptSources([HOST[1] as { path: string; text: string }]), 'bookworm')).toThrow(
      expect.objectContaining({ code: 'BOOTSTRAP_NO_MIRROR' }),
    );
  });

  it('keys the cache on the inputs and the Release dates', () => {
    const req = requestFor('debian:bookworm-slim', { include: ['hello'] });
    const src: AptSource[] = [{ uri: 'http://m/debian', suite: 'bookworm', components: ['main'] }];
    const epoch = releaseEpoch('Origin: Debian\nDate: Sat, 10 May 2025 09:11:28 UTC\nValid-Until: x\n');
    expect(epoch).toBe(1746868288);
    const key = cacheKey(req, src, [1746868288]);
    expect(cacheKey(requestFor('debian:bookworm-slim', { include: ['hello'] }), src, [1746868288])).toBe(key);
    expect(cacheKey(req, src, [1746868289])).not.toBe(key);
    expect(cacheKey(requestFor('debian:bookworm', { include: ['hello'] }), src, [1746868288])).not.toBe(key);
    expect(cacheKey(requestFor('debian:bookworm-slim', {}), src, [1746868288])).not.toBe(key);
  });

  it("gives mmdebstrap the variant, the packages, -slim's excludes and the host's CA only when asked", () => {
    const args = mmdebstrapArgs(requestFor('debian:bookworm-slim', { include: ['hello'] }), [], '/o.tar', '/v.txt');
    expect(args).toContain('--variant=minbase');
    expect(args).toContain('--include=hello');
    expect(args).toContain('--dpkgopt=path-exclude=/usr/share/man/*');
    expect(args.some((a) => a.includes('CaInfo'))).toBe(false);
    expect(args.slice(-2)).toEqual(['bookworm', '/o.tar']);
    const tls = mmdebstrapArgs(requestFor('debian:bookworm', {}), [], '/o', '/v', { caFile: '/ca.crt' });
    expect(tls).toContain('--aptopt=Acquire::https::CaInfo "/ca.crt"');
    expect(tls.some((a) => a.startsWith('--dpkgopt'))).toBe(false);
  });

  it("passes the host's apt proxies and date checks to mmdebstrap, and keeps none of them in the image", () => {
    const dump = [
      'APT "";',
      'Acquire::Check-Valid-Until "false";',
      'Acquire::http::Proxy "http://proxy.local:3128/";',
      'Acquire::Retries "3";',
      'Dir::Etc "etc/apt/";',
    ].join('\n');
    const opts = hostAptOptions(dump);
    expect(opts).toEqual(['Acquire::Check-Valid-Until "false";', 'Acquire::http::Proxy "http://proxy.local:3128/";']);
    const args = mmdebstrapArgs(requestFor('debian:bookworm', {}), [], '/o', '/v', { hostAptOptions: opts });
    expect(args).toContain('--aptopt=Acquire::Check-Valid-Until "false";');
    expect(args).toContain('--customize-hook=rm -f "$1"/etc/apt/apt.conf.d/99mmdebstrap');
  });
});

describe('fromImages', () => {
  it('lists the images a Dockerfile builds FROM, without its stages, scratch or unset ARGs', () => {
    const dockerfile = [
      'ARG BASE=debian:bookworm-slim',
      'ARG UNSET',
      'FROM --platform=linux/amd64 ${BASE} AS build',
      'RUN make \\',
      '  all',
      'FROM build AS test',
      'FROM scratch',
      'from debian:trixie',
      'FROM $UNSET',
      'FROM ${BASE}',
    ].join('\n');
    expect(fromImages(dockerfile)).toEqual(['debian:bookworm-slim', 'debian:trixie']);
    expect(fromImages(dockerfile, { BASE: 'debian:bookworm' })).toEqual(['debian:bookworm', 'debian:trixie']);
  });
});
