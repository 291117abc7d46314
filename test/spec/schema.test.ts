import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateSchema } from '../../src/spec/schema/validate-schema.js';

// The build script is plain JS with no type declarations; a computed specifier keeps tsc from asking for them.
interface BuildSchemaModule {
  SCHEMA_PATH: string;
  COMPILED_PATH: string;
  generateValidatorModule(schemaText: string): string;
  readRecordedHash(moduleText: string): string | undefined;
}
const buildScript = new URL('../../scripts/build-schema.mjs', import.meta.url).href;

describe('compiled schema module', () => {
  it('must be regenerated whenever schemas/compose-spec.json changes (run npm run build:schema)', async () => {
    const build = (await import(buildScript)) as BuildSchemaModule;
    const schemaText = readFileSync(build.SCHEMA_PATH, 'utf8');
    const committed = readFileSync(build.COMPILED_PATH, 'utf8');
    expect(build.readRecordedHash(committed)).toBe(createHash('sha256').update(schemaText).digest('hex'));
    // Catches changes to the build script or ajv too, and hand edits of the generated file.
    expect(committed === build.generateValidatorModule(schemaText)).toBe(true);
  });
});

describe('validateSchema accepts valid stack files', () => {
  it.each([
    ['a minimal service', { services: { web: { image: 'nginx' } } }],
    [
      'ports in short and long syntax',
      {
        services: {
          web: {
            image: 'nginx',
            ports: [
              80,
              '8080:80',
              '127.0.0.1:9000-9001:9000-9001/udp',
              { target: 80, published: '8081', protocol: 'tcp' },
            ],
          },
        },
      },
    ],
    [
      'port values the schema leaves to berth',
      { services: { web: { image: 'nginx', ports: [{ target: 'x' }], expose: ['3000', 8080] } } },
    ],
    [
      'volumes and networks, top level and in a service',
      {
        services: {
          db: {
            image: 'postgres:16',
            volumes: [
              'data:/var/lib/postgresql/data',
              { type: 'bind', source: './init', target: '/init', read_only: true },
            ],
            networks: { back: { aliases: ['database'] }, front: null },
          },
          api: { build: '.', networks: ['back'], depends_on: { db: { condition: 'service_healthy' } } },
        },
        volumes: { data: null, logs: { driver: 'local', labels: { team: 'core' } } },
        networks: { back: { internal: true }, front: null },
      },
    ],
    [
      'x- extensions at the top level and in a service',
      {
        'x-common': { restart: 'always' },
        services: { web: { image: 'nginx', 'x-owner': 'team-a', environment: { DEBUG: 1, EMPTY: null } } },
      },
    ],
  ])('%s', (_name, doc) => {
    expect(validateSchema(doc)).toEqual([]);
  });
});

describe('validateSchema reports violations with their path and keyword', () => {
  it('an unknown service key is additionalProperties on the service', () => {
    const issues = validateSchema({ services: { web: { imagee: 'nginx' } } });
    expect(issues).toEqual([
      expect.objectContaining({
        path: ['services', 'web'],
        keyword: 'additionalProperties',
        params: { additionalProperty: 'imagee' },
        schemaPath: '#/definitions/service/additionalProperties',
      }),
    ]);
  });

  it('an unknown top-level key is additionalProperties on the document', () => {
    const issues = validateSchema({ services: {}, servics: {} });
    expect(issues).toEqual([
      expect.objectContaining({ path: [], keyword: 'additionalProperties', params: { additionalProperty: 'servics' } }),
    ]);
  });

  it('services as a sequence is a type error at ["services"]', () => {
    const issues = validateSchema({ services: [] });
    expect(issues).toEqual([
      expect.objectContaining({ path: ['services'], keyword: 'type', params: { type: 'object' } }),
    ]);
  });

  it('a port target of the wrong type fails oneOf at the port, with the type error inside it', () => {
    const issues = validateSchema({ services: { web: { image: 'nginx', ports: [{ target: true }] } } });
    const port = ['services', 'web', 'ports', 0];
    expect(issues).toContainEqual(expect.objectContaining({ path: port, keyword: 'oneOf' }));
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: [...port, 'target'],
        keyword: 'type',
        schemaPath: '#/definitions/service/properties/ports/items/oneOf/2/properties/target/type',
      }),
    );
  });

  it('an unknown key in a long-syntax port is additionalProperties at the port', () => {
    const issues = validateSchema({ services: { web: { image: 'nginx', ports: [{ targt: 80 }] } } });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: ['services', 'web', 'ports', 0],
        keyword: 'additionalProperties',
        params: { additionalProperty: 'targt' },
      }),
    );
  });

  it('reports every violation, not only the first', () => {
    const issues = validateSchema({ services: { a: { image: 1 }, b: { restart: [] } } });
    expect(issues.map((i) => i.path)).toEqual([
      ['services', 'a', 'image'],
      ['services', 'b', 'restart'],
    ]);
  });

  it('keeps a mapping key that looks like an index a string, and unescapes "/" in keys', () => {
    const issues = validateSchema({ services: { web: { image: 'nginx', labels: { '0': [], 'com.example/x': {} } } } });
    const paths = issues.map((i) => i.path);
    expect(paths).toContainEqual(['services', 'web', 'labels', '0']);
    expect(paths).toContainEqual(['services', 'web', 'labels', 'com.example/x']);
  });

  it('a required key that is missing is reported on its parent', () => {
    const issues = validateSchema({
      services: { web: { image: 'nginx', volumes: [{ source: 'data', target: '/d' }] } },
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: ['services', 'web', 'volumes', 0],
        keyword: 'required',
        params: { missingProperty: 'type' },
      }),
    );
  });
});
