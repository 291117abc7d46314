// Checks a parsed stack file against the Compose Specification schema, through the standalone validator that
// scripts/build-schema.mjs compiles ahead of time (compiling the schema at start-up would cost the CLI ~200 ms).
import type { ErrorObject } from 'ajv';
import validate from './compiled.js';

/**
 * One schema violation, as ajv reports it, with the instance path already split.
 * `path` leads from the document root to the offending value: mapping keys as strings, sequence indexes as numbers
 * (["services", "web", "ports", 0]); [] is the document itself. `keyword` is the JSON Schema keyword that failed
 * (additionalProperties, type, oneOf, required...), `params` its ajv details (e.g. { additionalProperty: "imagee" }),
 * and `schemaPath` the absolute pointer of that keyword in schemas/compose-spec.json. `message` is ajv's English
 * and is not meant for users: berth words its own messages from keyword and params.
 */
export interface SchemaIssue {
  path: (string | number)[];
  keyword: string;
  message: string;
  params: Record<string, unknown>;
  schemaPath: string;
}

/** Every schema violation in `doc` (a parsed YAML document), in ajv's order; [] when it conforms. */
export function validateSchema(doc: unknown): SchemaIssue[] {
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => toIssue(e, doc));
}

function toIssue(error: ErrorObject, doc: unknown): SchemaIssue {
  return {
    path: splitInstancePath(error.instancePath, doc),
    keyword: error.keyword,
    message: error.message ?? '',
    params: { ...error.params },
    schemaPath: error.schemaPath,
  };
}

// A pointer segment is a sequence index only where the value it indexes is an array: a mapping key "0" stays a
// string. Walking the document tells them apart.
function splitInstancePath(pointer: string, doc: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      const index = Number(segment);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
