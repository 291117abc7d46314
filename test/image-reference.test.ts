// Image references against distribution/reference's grammar and Docker's normalization (ParseNormalizedNamed),
// as a table: the input, and either the parts it normalizes to or the reason it is refused.
import { describe, expect, it } from 'vitest';
import { ImageReferenceError, familiarName, familiarTag, parseReference } from '../src/image-reference.js';

const HEX = 'a'.repeat(64);

const valid: Array<[string, string, string?, string?]> = [
  ['busybox', 'docker.io/library/busybox'],
  ['busybox:1.36', 'docker.io/library/busybox', '1.36'],
  ['library/busybox', 'docker.io/library/busybox'],
  ['docker.io/busybox', 'docker.io/library/busybox'],
  ['index.docker.io/library/busybox:latest', 'docker.io/library/busybox', 'latest'],
  ['me/app', 'docker.io/me/app'],
  ['ghcr.io/org/team/app:1.2.3', 'ghcr.io/org/team/app', '1.2.3'],
  ['localhost/app', 'localhost/app'],
  ['localhost:5000/app:v1', 'localhost:5000/app', 'v1'],
  ['127.0.0.1:5000/a/b', '127.0.0.1:5000/a/b'],
  ['[::1]:5000/app:1', '[::1]:5000/app', '1'],
  ['Registry.Example.com/app', 'Registry.Example.com/app'],
  ['a_b/c__d/e-f/g--h/i.j', 'docker.io/a_b/c__d/e-f/g--h/i.j'],
  ['app:Tag_1.x-y', 'docker.io/library/app', 'Tag_1.x-y'],
  [`app@sha256:${HEX}`, 'docker.io/library/app', undefined, `sha256:${HEX}`],
  [`reg:5000/app:1@sha256:${HEX}`, 'reg:5000/app', '1', `sha256:${HEX}`],
  ['localhost:5000', 'docker.io/library/localhost', '5000'], // no slash: a name with a tag, as in Docker
];

const invalid: Array<[string, RegExp]> = [
  ['', /invalid repository name/],
  ['Busybox', /must be lowercase/],
  ['me/App', /must be lowercase/],
  [HEX, /image ID/],
  ['app:', /invalid tag ""/],
  ['app:-x', /invalid tag/],
  [`app:${'x'.repeat(129)}`, /invalid tag/],
  ['app@sha256:abc', /digest that is not sha256/],
  [`app@md5:${HEX}`, /digest that is not sha256/],
  ['-reg.io/app', /invalid registry|invalid repository name/],
  ['reg.io:port/app', /invalid/],
  ['a//b', /invalid repository name/],
  ['a/b_/c', /invalid repository name/],
  ['a/b___c', /invalid repository name/],
  ['a/.b', /invalid repository name/],
  [`reg.io/${'a'.repeat(250)}`, /longer than 255/],
  ['app with space', /invalid/],
];

describe('parseReference', () => {
  it.each(valid)('%s → %s', (input, name, tag, digest) => {
    expect(parseReference(input)).toEqual({
      name,
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    });
  });

  it.each(invalid)('refuses %j', (input, why) => {
    let error: unknown;
    try {
      parseReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageReferenceError);
    expect((error as ImageReferenceError).code).toBe('REFERENCE_INVALID');
    expect((error as ImageReferenceError).message).toMatch(/^invalid reference format: /);
    expect((error as ImageReferenceError).message).toMatch(why);
  });

  it('shows names and tags as Docker does', () => {
    expect(familiarName('docker.io/library/busybox')).toBe('busybox');
    expect(familiarName('docker.io/me/app')).toBe('me/app');
    expect(familiarName('localhost:5000/app')).toBe('localhost:5000/app');
    expect(familiarTag(parseReference('docker.io/library/busybox'))).toBe('busybox:latest');
  });
});
