// Checks the JSON body of every berthd endpoint that stores what it is sent, before anything is stored: a value of
// the wrong type is a 400 naming the field, as dockerd's encoding/json answers it, instead of a record that breaks
// every later list. The schemas (schemas/*.ts) are compiled by ajv once, when this module loads (berthd's start,
// measured ~15 ms); a request costs one call of the compiled function.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { EngineError } from '../errors.js';
import type { ExecConfig } from '../containers/exec-store.js';
import type { EndpointSettings } from '../networks/container-request.js';
import type { NetworkCreateRequest } from '../networks/create-request.js';
import type { VolumeCreateRequest } from '../volumes/volume-service.js';
import { containerCreateSchema } from './schemas/container-create.js';
import type { GoSchema } from './schemas/go-types.js';
import {
  execCreateSchema,
  execStartSchema,
  networkConnectSchema,
  networkCreateSchema,
  networkDisconnectSchema,
  volumeCreateSchema,
} from './schemas/other-bodies.js';

// verbose: errors carry the failing schema (its goType) and value; allErrors off: the first error is the answer.
const ajv = new Ajv({ verbose: true, allErrors: false, strict: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: 'goType', schemaType: 'string' });

const compile = (schema: GoSchema): ValidateFunction => ajv.compile(schema);
const validators = {
  containerCreate: compile(containerCreateSchema),
  networkCreate: compile(networkCreateSchema),
  networkConnect: compile(networkConnectSchema),
  networkDisconnect: compile(networkDisconnectSchema),
  volumeCreate: compile(volumeCreateSchema),
  execCreate: compile(execCreateSchema),
  execStart: compile(execStartSchema),
};

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
  const checked = checkBody<Record<string, unknown>>(validators.containerCreate, body);
  for (const field of ['Cmd', 'Entrypoint', 'Shell']) asList(checked, field);
  const host = checked.HostConfig as Record<string, unknown> | null | undefined;
  if (host) {
    for (const field of ['CapAdd', 'CapDrop']) asList(host, field);
    checkResources(host);
  }
  return checked;
}

export const checkNetworkCreate = (body: unknown): NetworkCreateRequest =>
  checkBody(validators.networkCreate, body ?? {});
export const checkNetworkConnect = (body: unknown): { Container?: string; EndpointConfig?: EndpointSettings } =>
  checkBody(validators.networkConnect, body ?? {});
export const checkNetworkDisconnect = (body: unknown): { Container?: string; Force?: boolean } =>
  checkBody(validators.networkDisconnect, body ?? {});
export const checkVolumeCreate = (body: unknown): VolumeCreateRequest => checkBody(validators.volumeCreate, body ?? {});
export const checkExecCreate = (body: unknown): ExecConfig => checkBody(validators.execCreate, body ?? {});
export const checkExecStart = (body: unknown): { Detach?: boolean } => checkBody(validators.execStart, body ?? {});

function checkBody<T>(validate: ValidateFunction, body: unknown): T {
  if (validate(body)) return body as T;
  const error = validate.errors?.[0] as ErrorObject;
  throw new EngineError('invalid', 'ENGINE_BAD_REQUEST_BODY', describe(error, (validate.schema as GoSchema).goType));
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
