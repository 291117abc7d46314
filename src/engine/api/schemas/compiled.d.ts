// Types for compiled.js, the standalone request body validators that scripts/build-api-schemas.mjs generates.
import type { ErrorObject } from 'ajv';

/**
 * Validates one parsed request body. True when it conforms; otherwise false, with the first violation in `errors`
 * (verbose: it carries `parentSchema`, whose goType names the Go type, and `data`) until the next call.
 */
export interface BodyValidator {
  (body: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export declare const containerCreate: BodyValidator;
export declare const networkCreate: BodyValidator;
export declare const networkConnect: BodyValidator;
export declare const networkDisconnect: BodyValidator;
export declare const volumeCreate: BodyValidator;
export declare const execCreate: BodyValidator;
export declare const execStart: BodyValidator;
