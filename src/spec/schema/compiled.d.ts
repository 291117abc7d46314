// Types for compiled.js, the standalone Compose schema validator that scripts/build-schema.mjs generates.
import type { ErrorObject } from 'ajv';

/**
 * Validates one parsed stack file against schemas/compose-spec.json. Returns true when it conforms; otherwise
 * false, with every violation (ajv's allErrors) in `errors` until the next call replaces them. Synchronous and pure.
 */
export interface ComposeSchemaValidator {
  (doc: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const validate: ComposeSchemaValidator;
export default validate;
