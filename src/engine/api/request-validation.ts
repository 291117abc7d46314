// Checks the JSON body of every berthd endpoint that stores what it is sent, before anything is stored: a value of
// the wrong type is a 400 naming the field, as dockerd's encoding/json answers it, instead of a record that breaks
// every later list. The schemas (schemas/*.ts) are compiled ahead of time into schemas/compiled.js (ajv standalone,
// see scripts/build-api-schemas.mjs): berthd's start pays no compiler, and a create body costs ~5 µs to check.
import type { ErrorObject } from 'ajv';
import { EngineError } from '../errors.js';
import type { ExecConfig } from '../containers/exec-store.js';
import type { EndpointSettings } from '../networks/container-request.js';
import type { NetworkCreateRequest } from '../networks/create-request.js';
import type { VolumeCreateRequest } from '../volumes/volume-service.js';
import type { BodyValidator } from './schemas/compiled.js';
import * as validators from './schemas/compiled.js';
import type { BodyName } from './schemas/index.js';
import { bodySchemas } from './schemas/index.js';
import type { GoSchema } from './schemas/go-types.js';

/** The body of POST /containers/create, type-checked, with strslice fields (Cmd, Entrypoint...) as lists. */
export function checkContainerCreate(body: unknown): Record<string, unknown> {
  // dockerd's words for an empty or null body: there is no Config to decode.
  if (body === null || body === undefined) {
    throw new EngineError(
      'invalid',
      'ENGINE_BAD_REQUEST_BODY',
      'Config cannot be empty in order to create a container',
    );
  }
  const checked = checkBody<Record<string, unknown>>('containerCreate', body);
  for (const field of ['Cmd', 'Entrypoint', 'Shell']) asList(checked, field);
  const host = checked.HostConfig as Record<string, unknown> | null | undefined;
  if (host) {
    for (const field of ['CapAdd', 'CapDrop']) asList(host, field);
    checkResources(host);
  }
  return checked;
}

export const checkNetworkCreate = (body: unknown): NetworkCreateRequest => checkBody('networkCreate', body ?? {});
export const checkNetworkConnect = (body: unknown): { Container?: string; EndpointConfig?: EndpointSettings } =>
  checkBody('networkConnect', body ?? {});
export const checkNetworkDisconnect = (body: unknown): { Container?: string; Force?: boolean } =>
  checkBody('networkDisconnect', body ?? {});
export const checkVolumeCreate = (body: unknown): VolumeCreateRequest => checkBody('volumeCreate', body ?? {});
export const checkExecCreate = (body: unknown): ExecConfig => checkBody('execCreate', body ?? {});
export const checkExecStart = (body: unknown): { Detach?: boolean } => checkBody('execStart', body ?? {});

function checkBody<T>(name: BodyName, body: unknown): T {
  const validate: BodyValidator = validators[name];
  if (validate(body)) return body as T;
  const error = validate.errors?.[0] as ErrorObject;
  throw new EngineError('invalid', 'ENGINE_BAD_REQUEST_BODY', describe(error, bodySchemas[name].goType));
}

/**
 * dockerd's wording of a decode error: the JSON kind of the value, the Go struct field as a dotted path of
 * struct fields from the body's type (map keys and list indexes left out, as encoding/json leaves them out), and
 * the Go type the field has.
 */
export function describe(error: ErrorObject, rootType: string): string {
  const fields = [...error.schemaPath.matchAll(/\/properties\/([^/]+)/g)].map((m) => m[1] as string);
  const goType = (error.parentSchema as GoSchema | undefined)?.goType ?? 'unknown';
  // Go names a struct field by its type's name without the package: NetworkCreateRequest.Name.
  const field = [rootType.replace(/^\w+\./, ''), ...fields].join('.');
  if (error.keyword !== 'type') return `invalid value for ${field}: ${error.message ?? error.keyword}`;
  const kind = jsonKind(error.data, goType);
  return fields.length === 0
    ? `json: cannot unmarshal ${kind} into Go value of type ${goType}`
    : `json: cannot unmarshal ${kind} into Go struct field ${field} of type ${goType}`;
}

function jsonKind(value: unknown, goType: string): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return /int|uint|Duration|FileMode/.test(goType) ? `number ${value}` : 'number';
  return typeof value; // string, object
}

/** Docker's strslice: a string is a list of one element, never split. */
function asList(record: Record<string, unknown>, field: string): void {
  if (typeof record[field] === 'string') record[field] = [record[field]];
}

const MIN_MEMORY = 6 * 1024 * 1024;

/** The resource limits dockerd refuses at create (daemon/daemon_unix.go verifyPlatformContainerResources). */
function checkResources(host: Record<string, unknown>): void {
  const memory = (host.Memory as number | null | undefined) ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) {
    throw new EngineError('invalid', 'ENGINE_BAD_MEMORY', 'Minimum memory limit allowed is 6MB', {
      hint: 'give HostConfig.Memory in bytes, at least 6291456, or 0 for no limit',
    });
  }
  const shm = (host.ShmSize as number | null | undefined) ?? 0;
  if (shm < 0) throw new EngineError('invalid', 'ENGINE_BAD_SHM_SIZE', 'SHM size can not be less than 0');
  const nanoCpus = (host.NanoCpus as number | null | undefined) ?? 0;
  if (nanoCpus < 0) {
    throw new EngineError('invalid', 'ENGINE_BAD_CPUS', `Range of CPUs is from 0.01, not ${nanoCpus / 1e9}`);
  }
}
