// Compiles schemas/compose-spec.json into a standalone ESM validator, src/spec/schema/compiled.js, so the CLI never
// runs ajv's compiler at start-up. Run `npm run build:schema` after editing the schema or this script;
// test/spec/schema.test.ts regenerates the module in memory and fails while the committed file is stale.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const require = createRequire(import.meta.url);

export const SCHEMA_PATH = fileURLToPath(new URL('../schemas/compose-spec.json', import.meta.url));
export const COMPILED_PATH = fileURLToPath(new URL('../src/spec/schema/compiled.js', import.meta.url));

// Formats that Compose schemas have declared (older versions: duration, ports, expose, subnet_ip_address). They
// always pass here: berth checks those values itself, with messages in Compose terms.
const PERMISSIVE_FORMATS = ['duration', 'ports', 'expose', 'subnet_ip_address'];

// Annotations that do not change what validates; dropping them keeps the generated module small.
const ANNOTATIONS = new Set(['description', 'title']);

/** Every string value of a `format` keyword in the schema, sorted. */
export function findFormats(schema) {
  const found = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'format' && typeof value === 'string') found.add(value);
      else walk(value);
    }
  };
  walk(schema);
  return [...found].sort();
}

function stripAnnotations(node) {
  if (Array.isArray(node)) return node.map(stripAnnotations);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    // Only string values are annotations: a property named "description" maps to a schema object and stays.
    if (ANNOTATIONS.has(key) && typeof value === 'string') continue;
    out[key] = stripAnnotations(value);
  }
  return out;
}

function createAjv(schema) {
  const unknown = findFormats(schema).filter((f) => !PERMISSIVE_FORMATS.includes(f));
  if (unknown.length > 0) {
    throw new Error(
      `schema uses format(s) ${unknown.join(', ')}: decide in scripts/build-schema.mjs how to check them`,
    );
  }
  const ajv = new Ajv({
    allErrors: true,
    allowUnionTypes: true, // the spec uses `type: [...]` everywhere
    // strictTypes would only log: the spec puts object keywords on an array schema (definitions.gpus.oneOf[1]).
    strictTypes: false,
    inlineRefs: false, // one function per definition: a smaller module that V8 compiles faster
    formats: Object.fromEntries(PERMISSIVE_FORMATS.map((f) => [f, true])),
    code: { source: true, esm: true, lines: true },
  });
  // The spec names its meta-schema "https://json-schema.org/draft-07/schema"; ajv knows draft-07 only as
  // "http://json-schema.org/draft-07/schema#", so register the same meta-schema under the spec's name too.
  const draft07 = require('ajv/dist/refs/json-schema-draft-07.json');
  if (typeof schema.$schema === 'string' && !ajv.getSchema(schema.$schema)) {
    ajv.addMetaSchema({ ...draft07, $id: schema.$schema });
  }
  return ajv;
}

// ajv reports schemaPath relative to the definition a non-inlined $ref compiled into its own function ("#/required"
// for definitions.service_hook.required), so the same path could mean two places. Prefix each such function's paths
// with its definition's pointer, making every schemaPath absolute in the spec file.
function absoluteSchemaPaths(code, rootEnv) {
  const prefixes = new Map();
  const collect = (env) => {
    for (const [ref, target] of Object.entries(env.refs)) {
      const name = target?.validateName?.str;
      if (!name || prefixes.has(name)) continue;
      prefixes.set(name, ref.slice(ref.indexOf('#') + 1));
      collect(target);
    }
  };
  collect(rootEnv);
  let prefix = '';
  const seen = new Set();
  const lines = code.split('\n').map((line) => {
    const start = /^function (validate\d+)\(/.exec(line);
    if (start) {
      prefix = prefixes.get(start[1]) ?? '';
      seen.add(start[1]);
    }
    return prefix ? line.replaceAll('schemaPath:"#', `schemaPath:"#${prefix}`) : line;
  });
  const missing = [...prefixes.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`generated code has no function ${missing.join(', ')}: ajv output changed`);
  return lines.join('\n');
}

/** The complete text of src/spec/schema/compiled.js for the given schema text. Pure: same input, same output. */
export function generateValidatorModule(schemaText) {
  const schema = JSON.parse(schemaText);
  const ajv = createAjv(schema);
  const validate = ajv.compile(stripAnnotations(schema));
  // ajv's deep equality (for uniqueItems) calls valueOf on objects, which berth's null-prototype maps lack.
  const code = absoluteSchemaPaths(standaloneCode(ajv, validate), validate.schemaEnv).replace(
    'require("ajv/dist/runtime/equal").default',
    'deepEqual',
  );
  const sha = createHash('sha256').update(schemaText).digest('hex');
  // ajv's standalone output may load runtime helpers with require() even in ESM mode; give it one only then.
  const needsRequire = /\brequire\(/.test(code);
  return [
    '// GENERATED by scripts/build-schema.mjs from schemas/compose-spec.json. Do not edit: run `npm run build:schema`.',
    `// schema-sha256: ${sha}`,
    '/* eslint-disable */',
    ...(needsRequire
      ? ["import { createRequire } from 'node:module';", 'const require = createRequire(import.meta.url);']
      : []),
    "import { deepEqual } from './deep-equal.js';",
    code,
    '',
  ].join('\n');
}

/** The schema-sha256 recorded in a generated module's header, or undefined. */
export function readRecordedHash(moduleText) {
  return /^\/\/ schema-sha256: ([0-9a-f]{64})$/m.exec(moduleText)?.[1];
}

function main() {
  const schemaText = readFileSync(SCHEMA_PATH, 'utf8');
  const started = performance.now();
  const text = generateValidatorModule(schemaText);
  writeFileSync(COMPILED_PATH, text);
  const ms = (performance.now() - started).toFixed(0);
  const formats = findFormats(JSON.parse(schemaText));
  console.log(
    `wrote ${COMPILED_PATH} (${text.length} bytes, ${ms} ms); formats in schema: ${formats.join(', ') || 'none'}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
