// develop.watch: rules normalized (paths absolute, lists, booleans) and the rules Compose refuses reported where
// they are written, with a hint.
import { describe, expect, it } from 'vitest';
import { diagnosticsOf, errorsOf, load, stackOfText, yaml } from './helpers.js';

const web = (...rule: string[]) =>
  load({ 'compose.yaml': yaml('services:', '  web:', '    image: x', '    develop:', '      watch:', ...rule) });

describe('develop.watch: normalized', () => {
  it('must resolve each rule path against the project folder and read lists, booleans and exec', () => {
    const stack = stackOfText(
      yaml(
        'services:',
        '  web:',
        '    image: x',
        '    develop:',
        '      watch:',
        '        - {action: sync, path: ./src, target: /app/src, ignore: node_modules/, initial_sync: "true"}',
        '        - {action: rebuild, path: package.json}',
        '        - action: sync+exec',
        '          path: /abs/conf',
        '          target: /etc/app',
        '          include: ["*.conf"]',
        '          exec: {command: kill -HUP 1, user: root, privileged: "no", environment: [A=1]}',
      ),
    );
    expect(stack.services.web?.develop?.watch).toEqual([
      { action: 'sync', path: '/p/src', target: '/app/src', ignore: ['node_modules/'], initial_sync: true },
      { action: 'rebuild', path: '/p/package.json' },
      {
        action: 'sync+exec',
        path: '/abs/conf',
        target: '/etc/app',
        include: ['*.conf'],
        exec: { command: ['kill', '-HUP', '1'], user: 'root', privileged: false, environment: { A: '1' } },
      },
    ]);
  });
});

describe('develop.watch: refused', () => {
  it('must refuse a sync without a target, at the action, with a hint', () => {
    const r = web('        - action: sync', '          path: ./src');
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_WATCH_NO_TARGET', line: 6, column: 19, path: 'services.web.develop.watch[0].action' },
    ]);
    expect(diagnosticsOf(r)[0]?.hint).toMatch(/add "target:"/);
  });

  it('must refuse sync+exec without exec, and with an empty command', () => {
    const r = web(
      '        - {action: sync+exec, path: ., target: /app}',
      '        - {action: sync+exec, path: ., target: /app, exec: {command: ""}}',
    );
    expect(errorsOf(r).map((e) => [e.code, e.line, e.path])).toEqual([
      ['SPEC_WATCH_NO_EXEC', 6, 'services.web.develop.watch[0].action'],
      ['SPEC_WATCH_NO_EXEC', 7, 'services.web.develop.watch[1].action'],
    ]);
    expect(diagnosticsOf(r)[0]?.hint).toMatch(/exec: \{command/);
  });

  it('must refuse exec on an action that never runs it, at the exec key', () => {
    const r = web(
      '        - action: sync',
      '          path: .',
      '          target: /app',
      '          exec: {command: ls}',
    );
    expect(errorsOf(r)).toEqual([
      { code: 'SPEC_WATCH_EXEC_UNUSED', line: 9, column: 11, path: 'services.web.develop.watch[0].exec' },
    ]);
  });

  it('must refuse an initial_sync that is not a boolean', () => {
    const r = web('        - {action: sync, path: ., target: /app, initial_sync: "maybe"}');
    expect(errorsOf(r).map((e) => [e.code, e.path])).toEqual([
      ['SPEC_BAD_BOOLEAN', 'services.web.develop.watch[0].initial_sync'],
    ]);
  });

  it('must accept rebuild and restart without a target', () => {
    const r = web('        - {action: rebuild, path: .}', '        - {action: restart, path: ./conf}');
    expect(errorsOf(r)).toEqual([]);
  });
});
