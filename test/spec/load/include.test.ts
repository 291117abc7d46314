// Top-level `include`: another stack file loaded as a project of its own (its folder, its .env), whose resources
// join the including file's.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, stackOf, yaml } from './helpers.js';

const dbFile = yaml(
  'services:',
  '  db:',
  '    image: "postgres:${PG_TAG}"',
  '    build: ./ctx',
  '    volumes: ["./init:/docker-entrypoint-initdb.d", "dbdata:/var/lib/postgresql"]',
  '    env_file: db.env',
  'volumes:',
  '  dbdata: {}',
);

describe('include: loading', () => {
  const stack = stackOf(
    {
      'compose.yaml': yaml(
        'include:',
        '  - lib/db.yaml',
        'services:',
        '  web:',
        '    image: nginx',
        '    depends_on: [db]',
      ),
    },
    { extra: { 'lib/db.yaml': dbFile, 'lib/.env': 'PG_TAG=16\n', 'lib/db.env': 'POSTGRES_DB=app\n' } },
  );

  it('must make the services and volumes of the included file part of the stack', () => {
    expect(Object.keys(stack.services)).toEqual(['web', 'db']);
    expect(stack.volumes).toEqual({ dbdata: { name: 'p_dbdata' } });
    expect(stack.services.web?.depends_on).toEqual({ db: { condition: 'service_started', required: true } });
  });

  it('must resolve the relative paths of the included file against its own folder', () => {
    const db = stack.services.db;
    expect(db?.build).toEqual({ context: '/p/lib/ctx', dockerfile: 'Dockerfile' });
    expect(db?.volumes?.[0]).toEqual({
      type: 'bind',
      source: '/p/lib/init',
      target: '/docker-entrypoint-initdb.d',
      bind: { create_host_path: true },
    });
    expect(db?.env_file).toEqual([{ path: '/p/lib/db.env', required: true }]);
    expect(db?.environment).toEqual({ POSTGRES_DB: 'app' });
  });

  it("must interpolate the included file with its own folder's .env", () => {
    expect(stack.services.db?.image).toBe('postgres:16');
  });

  it("must let the including project's environment win over the included .env", () => {
    const s = stackOf(
      { 'compose.yaml': yaml('include:', '  - lib/db.yaml') },
      { extra: { 'lib/db.yaml': dbFile, 'lib/.env': 'PG_TAG=16\n', 'lib/db.env': '' }, env: { PG_TAG: '17' } },
    );
    expect(s.services.db?.image).toBe('postgres:17');
  });

  it('must accept the same resource defined identically on both sides', () => {
    const s = stackOf(
      { 'compose.yaml': yaml('include:', '  - lib/cache.yaml', 'services:', '  cache:', '    image: redis') },
      { extra: { 'lib/cache.yaml': yaml('services:', '  cache:', '    image: redis') } },
    );
    expect(Object.keys(s.services)).toEqual(['cache']);
  });
});

describe('include: errors', () => {
  it('must report a service defined differently here and in the included file', () => {
    const result = load(
      { 'compose.yaml': yaml('include:', '  - lib/db.yaml', 'services:', '  db:', '    image: other') },
      { extra: { 'lib/db.yaml': yaml('services:', '  db:', '    image: pg') } },
    );
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_INCLUDE_CONFLICT', line: 4, column: 3, path: 'services.db' }]);
    expect(diagnosticsOf(result)[0]).toMatchObject({
      message: 'services.db is defined both here and in an included file, differently',
      hint: 'rename one of them, or remove one definition',
    });
  });

  it('must report an include cycle at the include that closes it', () => {
    const result = load(
      { 'compose.yaml': yaml('include:', '  - a.yaml', 'services:', '  web:', '    image: x') },
      {
        extra: {
          'a.yaml': yaml('include:', '  - b.yaml', 'services:', '  a:', '    image: a'),
          'b.yaml': yaml('include:', '  - a.yaml', 'services:', '  b:', '    image: b'),
        },
      },
    );
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_INCLUDE_CYCLE', line: 2, column: 5, path: 'include[0]' }]);
    const [cycle] = diagnosticsOf(result);
    expect(cycle?.at?.file).toBe('/p/b.yaml');
    expect(cycle?.message).toBe('include cycle detected: "compose.yaml" -> "a.yaml" -> "b.yaml" -> "a.yaml"');
  });

  it('must report a file that includes itself', () => {
    const result = load({
      'compose.yaml': yaml('include:', '  - compose.yaml', 'services:', '  web:', '    image: x'),
    });
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_INCLUDE_CYCLE', line: 2, column: 5, path: 'include[0]' }]);
    expect(diagnosticsOf(result)[0]?.message).toMatch(/^include cycle detected: /);
  });

  it('must report an included file that cannot be read', () => {
    const result = load({
      'compose.yaml': yaml('include:', '  - missing.yaml', 'services:', '  web:', '    image: x'),
    });
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_INCLUDE_MISSING', line: 2, column: 5, path: 'include[0]' }]);
    expect(diagnosticsOf(result)[0]).toMatchObject({
      message: 'included file "/p/missing.yaml" cannot be read',
      hint: 'check the include path; it is relative to the including file',
    });
  });

  it('must report an error inside the included file at its own position', () => {
    const result = load(
      { 'compose.yaml': yaml('include:', '  - lib/db.yaml') },
      { extra: { 'lib/db.yaml': yaml('services:', '  db:', '    imagee: pg') } },
    );
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_UNKNOWN_KEY', line: 3, column: 5, path: 'services.db.imagee' }]);
    expect(diagnosticsOf(result)[0]?.at?.file).toBe('/p/lib/db.yaml');
  });
});
