// `extends`: a service built from another one of the same file or of another file, chained, with the paths of a
// service from another file relative to that file's folder.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, stackOf, yaml } from './helpers.js';

describe('extends: resolving', () => {
  it('must start a service from another service of the same file, its own keys merged over', () => {
    const stack = stackOf({
      'compose.yaml': yaml(
        'services:',
        '  base:',
        '    image: alpine',
        '    environment: {A: "1", B: "1"}',
        '  web:',
        '    extends: base',
        '    environment: {B: "2"}',
      ),
    });
    expect(stack.services.web).toEqual({
      name: 'web',
      image: 'alpine',
      environment: { A: '1', B: '2' },
      networks: { default: null },
    });
  });

  it('must follow a chain of extends', () => {
    const stack = stackOf({
      'compose.yaml': yaml(
        'services:',
        '  base:',
        '    image: alpine',
        '    environment: {A: "1"}',
        '  mid:',
        '    extends: base',
        '    environment: {B: "2"}',
        '  web:',
        '    extends: {service: mid}',
        '    command: run',
      ),
    });
    expect(stack.services.web).toEqual({
      name: 'web',
      image: 'alpine',
      command: ['run'],
      environment: { A: '1', B: '2' },
      networks: { default: null },
    });
  });

  it("must rebase the paths of a service from another file onto that file's folder", () => {
    const stack = stackOf(
      {
        'compose.yaml': yaml(
          'services:',
          '  web:',
          '    extends: {file: lib/common.yaml, service: app}',
          '    volumes: ["./own:/own"]',
          'volumes: {named: {}}',
        ),
      },
      {
        extra: {
          'lib/common.yaml': yaml(
            'services:',
            '  app:',
            '    build: ./ctx',
            '    volumes: ["./data:/data", "named:/n"]',
            '    env_file: app.env',
          ),
          'lib/app.env': 'X=1\n',
        },
      },
    );
    const web = stack.services.web;
    expect(web?.build).toEqual({ context: '/p/lib/ctx', dockerfile: 'Dockerfile' });
    expect(web?.volumes).toEqual([
      { type: 'bind', source: '/p/lib/data', target: '/data', bind: { create_host_path: true } },
      { type: 'volume', source: 'named', target: '/n', volume: {} },
      { type: 'bind', source: '/p/own', target: '/own', bind: { create_host_path: true } },
    ]);
    expect(web?.env_file).toEqual([{ path: '/p/lib/app.env', required: true }]);
    expect(web?.environment).toEqual({ X: '1' });
  });

  it('must not carry services of the other file into the stack', () => {
    const stack = stackOf(
      { 'compose.yaml': yaml('services:', '  web:', '    extends: {file: other.yaml, service: app}') },
      { extra: { 'other.yaml': yaml('services:', '  app:', '    image: a', '  unrelated:', '    image: u') } },
    );
    expect(Object.keys(stack.services)).toEqual(['web']);
    expect(stack.services.web?.image).toBe('a');
  });
});

describe('extends: errors', () => {
  it('must report an unknown service at the extends value', () => {
    const result = load({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    extends:', '      service: nope'),
    });
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_EXTENDS_UNKNOWN_SERVICE', line: 5, column: 7, path: 'services.web.extends' },
    ]);
    expect(diagnosticsOf(result)[0]).toMatchObject({
      message: 'service "web" extends "nope", which is not defined in /p/compose.yaml',
      hint: 'define service "nope" there, or fix extends.service',
    });
  });

  it('must report an unknown service of another file', () => {
    const result = load(
      { 'compose.yaml': yaml('services:', '  web:', '    extends: {file: other.yaml, service: nope}') },
      { extra: { 'other.yaml': yaml('services:', '  app:', '    image: a') } },
    );
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_EXTENDS_UNKNOWN_SERVICE', line: 3, column: 14, path: 'services.web.extends' },
    ]);
  });

  it('must report an extends file that cannot be read', () => {
    const result = load({
      'compose.yaml': yaml('services:', '  web:', '    extends: {file: gone.yaml, service: app}'),
    });
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_EXTENDS_FILE', line: 3, column: 14, path: 'services.web.extends' },
    ]);
  });

  it('must report an extends cycle, named from the service that starts it', () => {
    const result = load({
      'compose.yaml': yaml(
        'services:',
        '  a:',
        '    image: x',
        '    extends: b',
        '  b:',
        '    image: y',
        '    extends: a',
      ),
    });
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_EXTENDS_CYCLE', line: 4, column: 14, path: 'services.a.extends' },
      { code: 'SPEC_EXTENDS_CYCLE', line: 7, column: 14, path: 'services.b.extends' },
    ]);
    expect(diagnosticsOf(result).map((d) => d.message)).toEqual([
      'extends cycle detected: "b" -> "a" -> "b"',
      'extends cycle detected: "a" -> "b" -> "a"',
    ]);
  });

  it('must report a service that extends itself', () => {
    const result = load({ 'compose.yaml': yaml('services:', '  a:', '    image: x', '    extends: a') });
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_EXTENDS_CYCLE', line: 4, column: 14, path: 'services.a.extends' }]);
    expect(diagnosticsOf(result)[0]?.message).toBe('extends cycle detected: "a" -> "a"');
  });

  it('must refuse to extend a service with network_mode "service:..."', () => {
    const result = load({
      'compose.yaml': yaml(
        'services:',
        '  a:',
        '    image: x',
        '    network_mode: "service:b"',
        '  b:',
        '    image: y',
        '  c:',
        '    extends: a',
      ),
    });
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_EXTENDS_NETWORK_MODE', line: 8, column: 14, path: 'services.c.extends' },
    ]);
    expect(diagnosticsOf(result)[0]?.hint).toBe('copy what "c" needs from "a" instead of extending it');
  });
});
