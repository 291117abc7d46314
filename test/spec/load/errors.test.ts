// Where each kind of error in a stack file is reported (file, line, column, path), with its code and hint; that
// hostile input fails fast; and that errors are collected and sorted, not stopped at the first.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, yaml } from './helpers.js';

function loadText(text: string, env: Record<string, string> = {}) {
  return load({ 'compose.yaml': text }, { env });
}

describe('errors: YAML', () => {
  it('must report a YAML syntax error where it is', () => {
    const r = loadText(yaml('services:', '  web:', '\timage: nginx'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_YAML_SYNTAX', line: 3, column: 1, path: '' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'invalid YAML: tabs are not allowed as indentation',
      hint: 'YAML does not allow tabs for indentation; use spaces',
    });
  });

  it('must report a duplicate key at its second occurrence', () => {
    const r = loadText(yaml('services:', '  web:', '    image: nginx', '    image: httpd'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_YAML_SYNTAX', line: 4, column: 5, path: '' }]);
    expect(diagnosticsOf(r)[0]?.hint).toBe('remove or rename one of the two keys');
  });

  it('must report a list at the top level', () => {
    const r = loadText(yaml('- web', '- db'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_TOP_LEVEL_NOT_MAPPING', line: 1, column: 1, path: '' }]);
    expect(diagnosticsOf(r)[0]?.message).toBe('the top level of a stack file must be a mapping, not a list');
  });

  it('must report a single value at the top level', () => {
    const r = loadText(yaml('', 'hello'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_TOP_LEVEL_NOT_MAPPING', line: 2, column: 1, path: '' }]);
    expect(diagnosticsOf(r)[0]?.message).toBe('the top level of a stack file must be a mapping, not a single value');
  });

  it('must report an empty file, or one with only comments', () => {
    for (const text of ['', '\n\n', '# nothing here\n']) {
      expect(errorsOf(loadText(text))).toEqual([{ code: 'SPEC_EMPTY_FILE', line: 1, column: 1, path: '' }]);
    }
  });

  it('must refuse text with NUL bytes', () => {
    const r = loadText('services:\n  web:\n    image: "a\0b"\n');
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_NOT_TEXT', line: 1, column: 1, path: '' }]);
  });

  it('must fail quickly on a billion-laughs document', () => {
    const lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = `*${names[i - 1]}`;
      lines.push(`x-${names[i]}: &${names[i]} [${Array(9).fill(prev).join(',')}]`);
    }
    lines.push('services:', '  web:', '    image: nginx');
    const started = performance.now();
    const r = loadText(yaml(...lines));
    expect(performance.now() - started).toBeLessThan(500);
    // x-g is the first value that alone expands past the limit (9^7 values)
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_ALIAS_BOMB', line: 7, column: 9, path: '' }]);
  });

  it('must report nesting 10,000 deep', () => {
    const r = loadText(`services:\n  web:\n    image: nginx\nx-deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expect(errorsOf(r).map((e) => [e.code, e.line])).toEqual([['SPEC_TOO_DEEP', 4]]);
  });
});

describe('errors: schema', () => {
  it('must report an unknown key at the key, suggesting the closest known one', () => {
    const r = loadText(yaml('services:', '  web:', '    imagee: nginx'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_UNKNOWN_KEY', line: 3, column: 5, path: 'services.web.imagee' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'services.web has an unknown key "imagee"',
      hint: 'did you mean "image"?',
    });
  });

  it('must report a value of the wrong type at the value, in Compose terms', () => {
    const r = loadText(yaml('services:', '  web:', '    image: nginx', '    ports: 80'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_WRONG_TYPE', line: 4, column: 12, path: 'services.web.ports' }]);
    expect(diagnosticsOf(r)[0]?.message).toBe('services.web.ports must be a list, not the number "80"');
  });

  it('must refuse a Compose v1 file (services at the top level)', () => {
    const r = loadText(yaml('version: "2"', 'web:', '  image: nginx'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_V1_FORMAT', line: 2, column: 1, path: 'web' }]);
    expect(diagnosticsOf(r)[0]?.hint).toBe('move the services under a "services:" key and remove "version:"');
  });
});

describe('errors: interpolation', () => {
  it('must report a malformed variable at the value', () => {
    const r = loadText(yaml('services:', '  web:', '    image: "nginx:${TAG"'));
    expect(errorsOf(r)).toEqual([{ code: 'SPEC_INTERPOLATION', line: 3, column: 12, path: 'services.web.image' }]);
    expect(diagnosticsOf(r)[0]).toMatchObject({
      message: 'invalid interpolation format for "nginx:${TAG"',
      hint: 'use "$$" for a literal "$"',
    });
  });

  it('must report a required variable that is not set, with its message', () => {
    const r = loadText(yaml('services:', '  web:', '    image: nginx', '    environment:', '      A: ${X:?need X}'));
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_INTERPOLATION', line: 5, column: 10, path: 'services.web.environment.A' },
    ]);
    expect(diagnosticsOf(r)[0]?.message).toBe('required variable X is missing a value: need X');
  });

  it('must accept a required variable that is set', () => {
    expect(errorsOf(loadText(yaml('services:', '  web:', '    image: "${X:?need X}"'), { X: 'nginx' }))).toEqual([]);
  });
});

describe('errors: collecting and sorting', () => {
  it('must report two independent errors of one file, in line order', () => {
    const r = loadText(yaml('services:', '  web:', '    image: nginx', '    ports: 80', '  db:', '    imagee: pg'));
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_WRONG_TYPE', line: 4, column: 12, path: 'services.web.ports' },
      { code: 'SPEC_UNKNOWN_KEY', line: 6, column: 5, path: 'services.db.imagee' },
    ]);
  });

  it('must report the errors of two files sorted by file, then line', () => {
    const r = load({
      'compose.yaml': yaml('services:', '  web:', '    image: nginx', '    ports: 80', '    dns: {}'),
      'override.yaml': yaml('services:', '  web:', '    imagee: x'),
    });
    expect(diagnosticsOf(r).map((d) => [d.at?.file, d.at?.line, d.code])).toEqual([
      ['/p/compose.yaml', 4, 'SPEC_WRONG_TYPE'],
      ['/p/compose.yaml', 5, 'SPEC_WRONG_TYPE'],
      ['/p/override.yaml', 3, 'SPEC_UNKNOWN_KEY'],
    ]);
  });
});
