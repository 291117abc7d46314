// The compiled request body validators (src/engine/api/schemas/compiled.js) must match the schemas they come from,
// and the checks built on them must word errors as dockerd does and turn Docker's string form of a strslice into a
// list of one element. Pure: no daemon.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bodySchemas } from '../../src/engine/api/schemas/index.js';
import { checkContainerCreate, checkNetworkCreate } from '../../src/engine/api/request-validation.js';

interface BuildModule {
  COMPILED_PATH: string;
  generateBodyValidators(schemas: unknown): string;
}
const buildScript = new URL('../../scripts/build-api-schemas.mjs', import.meta.url).href;

describe('compiled request body validators', () => {
  it('must be regenerated whenever a schema changes (run npm run build:api-schemas)', async () => {
    const build = (await import(buildScript)) as BuildModule;
    const committed = readFileSync(build.COMPILED_PATH, 'utf8');
    expect(committed === build.generateBodyValidators(bodySchemas)).toBe(true);
  });
});

describe('request body checks', () => {
  it('must take a string Cmd, Entrypoint, Shell, CapAdd as one element, never split', () => {
    const body = checkContainerCreate({
      Image: 'x',
      Cmd: 'echo hi',
      Entrypoint: '/bin/sh -c',
      Shell: 'sh',
      HostConfig: { CapAdd: 'NET_ADMIN' },
    });
    expect(body).toMatchObject({
      Cmd: ['echo hi'],
      Entrypoint: ['/bin/sh -c'],
      Shell: ['sh'],
      HostConfig: { CapAdd: ['NET_ADMIN'] },
    });
  });

  it('must accept null for any field, as Go leaves the zero value, and unknown fields, as dockerd ignores them', () => {
    const body = { Image: 'x', Cmd: null, Env: null, HostConfig: null, Unknown: { a: 1 } };
    expect(checkContainerCreate(body)).toBe(body);
  });

  it.each([
    [
      { Cmd: { a: 1 } },
      'json: cannot unmarshal object into Go struct field ContainerConfig.Cmd of type strslice.StrSlice',
    ],
    [{ Env: ['A=1', 2] }, 'json: cannot unmarshal number into Go struct field ContainerConfig.Env of type string'],
    [
      { HostConfig: { Memory: 1.5 } },
      'json: cannot unmarshal number 1.5 into Go struct field ContainerConfig.HostConfig.Memory of type int64',
    ],
    [
      { HostConfig: { Memory: 'abc' } },
      'json: cannot unmarshal string into Go struct field ContainerConfig.HostConfig.Memory of type int64',
    ],
    [
      { Labels: { a: { b: 1 } } },
      'json: cannot unmarshal object into Go struct field ContainerConfig.Labels of type string',
    ],
    [
      { ExposedPorts: { '80/tcp': 1 } },
      'json: cannot unmarshal number into Go struct field ContainerConfig.ExposedPorts of type struct {}',
    ],
  ])('must word a type error as dockerd does, naming the field: %j', (fields, message) => {
    expect(() => checkContainerCreate({ Image: 'x', ...fields })).toThrow(message);
  });

  it("must refuse a body that is not an object, and a null create body with dockerd's words", () => {
    expect(() => checkContainerCreate([])).toThrow(
      'json: cannot unmarshal array into Go value of type ContainerConfig',
    );
    expect(() => checkContainerCreate(null)).toThrow('Config cannot be empty in order to create a container');
    expect(() => checkNetworkCreate('x')).toThrow('into Go value of type types.NetworkCreateRequest');
    expect(checkNetworkCreate(null)).toEqual({});
  });

  it('must refuse a memory limit under 6MB, negative included, and accept 0 (no limit)', () => {
    for (const Memory of [-5, 1, 6 * 1024 * 1024 - 1]) {
      expect(() => checkContainerCreate({ Image: 'x', HostConfig: { Memory } })).toThrow(
        expect.objectContaining({ code: 'ENGINE_BAD_MEMORY', message: 'Minimum memory limit allowed is 6MB' }),
      );
    }
    expect(() => checkContainerCreate({ Image: 'x', HostConfig: { Memory: 0 } })).not.toThrow();
    expect(() => checkContainerCreate({ Image: 'x', HostConfig: { Memory: 6 * 1024 * 1024 } })).not.toThrow();
  });
});
