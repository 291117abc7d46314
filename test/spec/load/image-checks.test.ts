// image: and pull_policy are checked when the stack loads, with the place and a hint, as Docker's reference
// grammar and compose-go's pull policies have them.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, yaml } from './helpers.js';
import { familiarName, parseImageReference } from '../../../src/spec/image-reference.js';
import { parsePullPolicy } from '../../../src/spec/syntax/pull-policy.js';

function loadServices(...lines: string[]) {
  return load({ 'compose.yaml': yaml('services:', ...lines) });
}

describe('image references in the stack file', () => {
  it('must report an upper-case repository at its place, with the lower-case spelling as hint', () => {
    const r = loadServices('  web:', '    image: MyOrg/App:1');
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_BAD_IMAGE_REFERENCE', line: 3, column: 12, path: 'services.web.image' },
    ]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: '"MyOrg/App:1": repository name must be lowercase',
      hint: 'write it as "myorg/app:1"',
    });
  });

  it('must report a reference that is not in the grammar, with the grammar as hint', () => {
    const r = loadServices('  web:', '    image: "nginx:1.27:extra"');
    expect(errorsOf(r).map((e) => e.code)).toEqual(['SPEC_BAD_IMAGE_REFERENCE']);
    expect(diagnosticsOf(r)[0]?.hint).toContain('[registry[:port]/][path/]name[:tag][@sha256:digest]');
  });

  it('must accept registries with ports, upper-case hosts, digests and empty (unset) images', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const r = loadServices(
      '  a: {image: "127.0.0.1:5000/team/app:1.2"}',
      '  b: {image: "Registry.Example.com/app"}',
      `  c: {image: "nginx@${digest}"}`,
      '  d: {image: "", build: .}',
    );
    expect(errorsOf(r)).toEqual([]);
  });

  // The schema's pattern is not anchored: "never-ever" passes it, and this check catches it.
  it('must report an unknown pull_policy at its place', () => {
    const r = loadServices('  web:', '    image: x', '    pull_policy: never-ever');
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_BAD_PULL_POLICY', line: 4, column: 18, path: 'services.web.pull_policy' },
    ]);
    expect(diagnosticsOf(r)[0]?.hint).toContain('every_<duration>');
  });
});

describe('parseImageReference', () => {
  it('must normalize as Docker does: docker.io, library/, latest', () => {
    expect(parseImageReference('nginx')).toEqual({
      ok: true,
      value: { domain: 'docker.io', path: 'library/nginx', tag: 'latest', digest: undefined },
    });
    const ref = parseImageReference('localhost/app:2');
    expect(ref.ok && ref.value).toMatchObject({ domain: 'localhost', path: 'app', tag: '2' });
    const hub = parseImageReference('docker.io/redis');
    expect(hub.ok && familiarName(hub.value)).toBe('redis:latest');
    const user = parseImageReference('bitnami/redis:7');
    expect(user.ok && user.value).toMatchObject({ domain: 'docker.io', path: 'bitnami/redis' });
  });

  it('must refuse an image ID, white space and a tag longer than 128 characters', () => {
    expect(parseImageReference('a'.repeat(64)).ok).toBe(false);
    expect(parseImageReference('nginx latest').ok).toBe(false);
    expect(parseImageReference(`nginx:${'t'.repeat(129)}`).ok).toBe(false);
  });
});

describe('parsePullPolicy', () => {
  it('must read the aliases and the refresh policies in milliseconds', () => {
    expect(parsePullPolicy('if_not_present')).toEqual({ ok: true, value: { kind: 'missing' } });
    expect(parsePullPolicy('daily')).toEqual({ ok: true, value: { kind: 'refresh', everyMs: 86_400_000 } });
    expect(parsePullPolicy('weekly')).toEqual({ ok: true, value: { kind: 'refresh', everyMs: 604_800_000 } });
    expect(parsePullPolicy('every_1h30m')).toEqual({ ok: true, value: { kind: 'refresh', everyMs: 5_400_000 } });
    expect(parsePullPolicy('every_soon').ok).toBe(false);
    expect(parsePullPolicy('every_0s').ok).toBe(false);
  });
});
