// serviceConfigHash: the same service however it is written gives the same hash; a change that needs a new
// container changes it; what Compose leaves out of its ServiceHash (build, depends_on, profiles, scale) does not.
import { describe, expect, it } from 'vitest';
import { serviceConfigHash } from '../../../src/spec/config-hash.js';
import type { LoadOptions } from './helpers.js';
import { stackOf, yaml } from './helpers.js';

const db = ['  db:', '    image: postgres'];

/** The hash of service `web` of a stack given as files. */
function hashOf(files: Record<string, string>, opts: LoadOptions = {}): string {
  const web = stackOf(files, opts).services.web;
  if (!web) throw new Error('no service "web"');
  return serviceConfigHash(web);
}

/** The hash of `web` written as these lines (indented under web), next to a `db` service. */
function hashWeb(...lines: string[]): string {
  return hashOf({ 'compose.yaml': yaml('services:', '  web:', ...lines.map((l) => `    ${l}`), ...db) });
}

const reference = hashWeb(
  'image: nginx:1.27',
  'environment: {A: "1", B: "2"}',
  'ports: ["8080:80"]',
  'volumes: ["./html:/usr/share/nginx/html:ro"]',
);

describe('serviceConfigHash: unchanged by how the stack is written', () => {
  it('must not change with key order', () => {
    expect(
      hashWeb(
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
        'ports: ["8080:80"]',
        'environment: {B: "2", A: "1"}',
        'image: nginx:1.27',
      ),
    ).toBe(reference);
  });

  it('must not change with comments', () => {
    expect(
      hashWeb(
        '# the web front',
        'image: nginx:1.27 # pinned',
        'environment: {A: "1", B: "2"}',
        'ports: ["8080:80"]',
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    ).toBe(reference);
  });

  it('must not change with anchors and merge keys', () => {
    const hash = hashOf({
      'compose.yaml': yaml(
        'x-env: &env {A: "1", B: "2"}',
        'x-base: &base',
        '  image: nginx:1.27',
        '  ports: ["8080:80"]',
        'services:',
        '  web:',
        '    <<: *base',
        '    environment: *env',
        '    volumes: ["./html:/usr/share/nginx/html:ro"]',
        ...db,
      ),
    });
    expect(hash).toBe(reference);
  });

  it('must not change with the list form of environment', () => {
    expect(
      hashWeb(
        'image: nginx:1.27',
        'environment: [A=1, B=2]',
        'ports: ["8080:80"]',
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    ).toBe(reference);
  });

  it('must not change with the long syntax of ports and volumes', () => {
    expect(
      hashWeb(
        'image: nginx:1.27',
        'environment: {A: "1", B: "2"}',
        'ports: [{target: 80, published: "8080"}]',
        'volumes: [{type: bind, source: ./html, target: /usr/share/nginx/html, read_only: true, bind: {create_host_path: true}}]',
      ),
    ).toBe(reference);
  });

  it('must not change when one file is split into a base and an override', () => {
    const hash = hashOf({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx:1.0', '    environment: {A: "1"}', ...db),
      'override.yaml': yaml(
        'services:',
        '  web:',
        '    image: nginx:1.27',
        '    environment: [B=2]',
        '    ports: ["8080:80"]',
        '    volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    });
    expect(hash).toBe(reference);
  });
});

describe('serviceConfigHash: changed by what needs a new container', () => {
  it('must change with the image', () => {
    expect(
      hashWeb(
        'image: nginx:1.28',
        'environment: {A: "1", B: "2"}',
        'ports: ["8080:80"]',
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    ).not.toBe(reference);
  });

  it('must change with an environment value', () => {
    expect(
      hashWeb(
        'image: nginx:1.27',
        'environment: {A: "1", B: "3"}',
        'ports: ["8080:80"]',
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    ).not.toBe(reference);
  });

  it('must change with a variable the environment provides', () => {
    const withValue = (v: string) =>
      hashOf(
        { 'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    environment: [TOKEN]', ...db) },
        { env: { TOKEN: v } },
      );
    expect(withValue('a')).not.toBe(withValue('b'));
  });

  it('must change with the ports', () => {
    expect(
      hashWeb(
        'image: nginx:1.27',
        'environment: {A: "1", B: "2"}',
        'ports: ["8081:80"]',
        'volumes: ["./html:/usr/share/nginx/html:ro"]',
      ),
    ).not.toBe(reference);
  });

  it('must change with the volumes', () => {
    expect(
      hashWeb(
        'image: nginx:1.27',
        'environment: {A: "1", B: "2"}',
        'ports: ["8080:80"]',
        'volumes: ["./html:/usr/share/nginx/html"]',
      ),
    ).not.toBe(reference);
  });
});

describe('serviceConfigHash: unchanged by what does not need a new container', () => {
  const base = ['image: nginx', 'environment: {A: "1"}'];

  it('must not change with depends_on', () => {
    expect(hashWeb(...base, 'depends_on: [db]')).toBe(hashWeb(...base));
    expect(hashWeb(...base, 'depends_on: {db: {condition: service_healthy}}')).toBe(hashWeb(...base));
  });

  it('must not change with profiles', () => {
    const files = (profiles: string) => ({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    environment: {A: "1"}', profiles, ...db),
    });
    expect(hashOf(files('    profiles: [front]'), { profiles: ['front'] })).toBe(hashOf(files('')));
  });

  it('must not change with scale or deploy.replicas', () => {
    expect(hashWeb(...base, 'scale: 3')).toBe(hashWeb(...base, 'scale: 1'));
    expect(hashWeb(...base, 'deploy: {replicas: 5, resources: {limits: {memory: 1g}}}')).toBe(
      hashWeb(...base, 'deploy: {replicas: 2, resources: {limits: {memory: 1g}}}'),
    );
  });

  it('must not change with build', () => {
    expect(hashWeb(...base, 'build: ./app')).toBe(hashWeb(...base));
    expect(hashWeb(...base, 'build: {context: ./other, args: {V: "2"}}')).toBe(hashWeb(...base, 'build: ./app'));
  });
});
