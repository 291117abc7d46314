// Profiles: which services a load enables, from --profile, COMPOSE_PROFILES and the services named on the command
// line, and the error for an enabled service that needs a disabled one.
import { describe, expect, it } from 'vitest';
import type { LoadOptions } from './helpers.js';
import { diagnosticsOf, errorsOf, load, stackOf, yaml } from './helpers.js';

const file = yaml(
  'services:',
  '  web:',
  '    image: nginx',
  '  debug:',
  '    image: busybox',
  '    profiles: [dev]',
  '    depends_on: [tool]',
  '  tool:',
  '    image: tool',
  '    profiles: [tools]',
  '  metrics:',
  '    image: prom',
  '    profiles: [ops, dev]',
);

function enabled(opts: LoadOptions): { services: string[]; disabled: readonly string[] } {
  const stack = stackOf({ 'compose.yaml': file }, opts);
  return { services: Object.keys(stack.services), disabled: stack.disabledServices };
}

describe('profiles: which services are enabled', () => {
  it('must always enable a service without profiles, and list the others as disabled', () => {
    expect(enabled({})).toEqual({ services: ['web'], disabled: ['debug', 'tool', 'metrics'] });
  });

  it('must enable a service with profiles only when one of them is active', () => {
    expect(enabled({ profiles: ['ops'] })).toEqual({ services: ['web', 'metrics'], disabled: ['debug', 'tool'] });
  });

  it('must read the active profiles from COMPOSE_PROFILES, comma-separated', () => {
    expect(enabled({ env: { COMPOSE_PROFILES: 'dev, tools' } })).toEqual({
      services: ['web', 'debug', 'tool', 'metrics'],
      disabled: [],
    });
  });

  it('must prefer --profile over COMPOSE_PROFILES', () => {
    expect(enabled({ profiles: ['ops'], env: { COMPOSE_PROFILES: 'dev,tools' } }).services).toEqual(['web', 'metrics']);
  });

  it('must enable every service with the profile "*"', () => {
    expect(enabled({ profiles: ['*'] })).toEqual({ services: ['web', 'debug', 'tool', 'metrics'], disabled: [] });
  });

  it('must enable a service named on the command line, and what it depends on, whatever their profiles', () => {
    expect(enabled({ services: ['debug'] })).toEqual({ services: ['web', 'debug', 'tool'], disabled: ['metrics'] });
  });
});

describe('profiles: dependencies on disabled services', () => {
  it('must report an enabled service that depends on a disabled one, once', () => {
    const result = load({ 'compose.yaml': file }, { profiles: ['dev'] });
    expect(errorsOf(result)).toEqual([
      { code: 'SPEC_DEPENDENCY_DISABLED', line: 5, column: 5, path: 'services.debug' },
    ]);
    expect(diagnosticsOf(result)[0]).toMatchObject({
      message: 'service "debug" depends on "tool", which is not enabled by the active profiles',
      hint: 'enable one of its profiles (tools) with --profile, or name "debug" on the command line',
    });
  });

  it('must report a dependency through links, volumes_from or network_mode on a disabled service', () => {
    const result = load({
      'compose.yaml': yaml(
        'services:',
        '  web:',
        '    image: nginx',
        '    network_mode: "service:vpn"',
        '  vpn:',
        '    image: vpn',
        '    profiles: [vpn]',
      ),
    });
    expect(errorsOf(result)).toEqual([{ code: 'SPEC_DEPENDENCY_DISABLED', line: 3, column: 5, path: 'services.web' }]);
  });

  it('must accept a disabled dependency marked required: false', () => {
    const stack = stackOf({
      'compose.yaml': yaml(
        'services:',
        '  web:',
        '    image: nginx',
        '    depends_on:',
        '      tool: {condition: service_started, required: false}',
        '  tool:',
        '    image: tool',
        '    profiles: [tools]',
      ),
    });
    expect(Object.keys(stack.services)).toEqual(['web']);
    expect(stack.services.web?.depends_on).toEqual({ tool: { condition: 'service_started', required: false } });
    expect(stack.disabledServices).toEqual(['tool']);
  });
});
