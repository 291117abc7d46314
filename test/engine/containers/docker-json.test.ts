// The container list's Command, as dockerd writes it, so `docker ps` and `berth ps` show what they show on dockerd.
import { describe, expect, it } from 'vitest';
import { summaryCommand, withImageExposedPorts } from '../../../src/engine/containers/docker-json.js';

describe('summaryCommand', () => {
  it('quotes the arguments that hold a space, as dockerd does, and nothing else', () => {
    expect(summaryCommand('sh', ['-c', 'while true; do sleep 1; done'])).toBe("sh -c 'while true; do sleep 1; done'");
    expect(summaryCommand('httpd', ['-f', '-p', '80'])).toBe('httpd -f -p 80');
    expect(summaryCommand('sleep', [])).toBe('sleep');
  });
});

describe('withImageExposedPorts', () => {
  it("must add the image's EXPOSE ports to the container's, as dockerd's create merges them", () => {
    const image = { ExposedPorts: { '80/tcp': {}, '53/udp': {} } };
    expect(withImageExposedPorts({ Cmd: ['x'] }, image)).toEqual({
      Cmd: ['x'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
    });
    expect(withImageExposedPorts({ ExposedPorts: { '9000/tcp': {} } }, image).ExposedPorts).toEqual({
      '80/tcp': {},
      '53/udp': {},
      '9000/tcp': {},
    });
    const config = { ExposedPorts: null };
    expect(withImageExposedPorts(config, {})).toBe(config);
  });
});
