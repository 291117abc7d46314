// A service must have an image or a build (or a provider), checked as Compose checks it: on the merged stack, so
// an override file that only adds to a base service is fine with its base and refused on its own.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, stackOf, yaml } from './helpers.js';

const base = yaml('services:', '  web:', '    image: nginx', '  api:', '    build: ./api');
const override = yaml('services:', '  web:', '    environment: [DEBUG=1]');

describe('checks: a service needs an image or a build', () => {
  it('must refuse a service with neither, at its key, in Compose words, with a hint', () => {
    const r = load({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx', '  worker:', '    command: run'),
    });
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_NO_IMAGE_OR_BUILD', line: 4, column: 3, path: 'services.worker' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'service "worker" has neither an image nor a build context specified',
      hint: expect.stringContaining('add "image:" or "build:" to service "worker"'),
      at: { file: '/p/compose.yaml' },
    });
  });

  it('must refuse an override file loaded on its own', () => {
    const r = load({ 'compose.override.yaml': override });
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_NO_IMAGE_OR_BUILD', line: 2, column: 3, path: 'services.web' }]);
    expect(diagnosticsOf(r)[0]?.at?.file).toBe('/p/compose.override.yaml');
  });

  it('must accept the same override merged over the file that gives the image', () => {
    const stack = stackOf({ 'compose.yaml': base, 'compose.override.yaml': override });
    expect(stack.services.web?.image).toBe('nginx');
  });

  it('must accept a build-only service, a provider service and one that extends a service with an image', () => {
    const text = yaml(
      'services:',
      '  api:',
      '    build: ./api',
      '  model:',
      '    provider: {type: model, options: {model: ai/x}}',
      '  web:',
      '    image: nginx',
      '  web2:',
      '    extends: web',
    );
    expect(Object.keys(stackOf({ 'compose.yaml': text }).services).sort()).toEqual(['api', 'model', 'web', 'web2']);
  });

  it('must not check a service that profiles leave out, as Compose checks enabled services only', () => {
    const text = yaml('services:', '  web:', '    image: nginx', '  tool:', '    profiles: [tools]');
    expect(errorsOf(load({ 'compose.yaml': text }))).toEqual([]);
    expect(errorsOf(load({ 'compose.yaml': text }, { profiles: ['tools'] }))).toEqual([
      { code: 'SPEC_NO_IMAGE_OR_BUILD', line: 4, column: 3, path: 'services.tool' },
    ]);
  });
});
