// Docker's answers to the client's engine-neutral types, on inline data as dockerd 20.10 and berthd send them.
import { describe, expect, it } from 'vitest';
import { filtersParam } from '../../src/client/docker/transport.js';
import { toContainerSummary, toEngineEvent, toExecDetails, toImageSummary } from '../../src/client/docker/shapes.js';

describe("Docker's JSON as the client's types", () => {
  it('a container list entry: the slash off the name, null labels and ports as empty, unpublished ports bare', () => {
    const c = toContainerSummary({
      Id: 'abc',
      Names: ['/shop-web-1'],
      Image: 'nginx',
      ImageID: 'sha256:1',
      Command: 'nginx -g',
      Created: 1700000000,
      State: 'running',
      Status: 'Up 3 seconds',
      Labels: null,
      Ports: [
        { PrivatePort: 80, Type: 'tcp' },
        { IP: '0.0.0.0', PrivatePort: 443, PublicPort: 8443, Type: 'tcp' },
      ],
      NetworkSettings: { Networks: { shop_default: {} } },
    });
    expect(c).toEqual({
      id: 'abc',
      name: 'shop-web-1',
      image: 'nginx',
      imageId: 'sha256:1',
      command: 'nginx -g',
      created: 1700000000,
      state: 'running',
      status: 'Up 3 seconds',
      labels: {},
      ports: [
        { privatePort: 80, publicPort: undefined, ip: undefined, type: 'tcp' },
        { privatePort: 443, publicPort: 8443, ip: '0.0.0.0', type: 'tcp' },
      ],
      networks: ['shop_default'],
    });
    expect(toContainerSummary({ Id: 'x' })).toMatchObject({ name: '', labels: {}, ports: [], networks: [] });
  });

  it('an event keeps timeNano exact (a double would round it)', () => {
    const line =
      '{"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"exitCode":"3"}},' +
      '"time":1700000000,"timeNano":1700000000123456789}';
    expect(toEngineEvent(line)).toEqual({
      type: 'container',
      action: 'die',
      id: 'abc',
      attributes: { exitCode: '3' },
      timeNano: 1700000000123456789n,
    });
  });

  it("an exec's exit code only once it has ended; an image's <none> tags left out", () => {
    expect(toExecDetails({ ID: 'e', Running: true, ExitCode: 0, Pid: 7, ContainerID: 'c' }).exitCode).toBeUndefined();
    expect(toExecDetails({ ID: 'e', Running: false, ExitCode: 5, Pid: 0, ContainerID: 'c' }).exitCode).toBe(5);
    expect(toImageSummary({ Id: 'i', RepoTags: ['<none>:<none>'], RepoDigests: null }).repoTags).toEqual([]);
  });

  it("Docker's filters parameter: only the keys given, undefined when nothing filters", () => {
    expect(filtersParam({ label: ['a=b'], name: undefined, status: [] })).toBe('{"label":["a=b"]}');
    expect(filtersParam({ label: undefined })).toBeUndefined();
  });
});
