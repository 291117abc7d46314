// Which files a watch rule acts on (Compose's rules), and where they go in the container: pure, on paths.
import { describe, expect, it } from 'vitest';
import { containerPath } from '../../src/cli/watch/actions.js';
import { compileRuleMatcher } from '../../src/cli/watch/match.js';
import type { WatchRule } from '../../src/spec/model.js';

const rule = (r: Partial<WatchRule>): WatchRule => ({ action: 'sync', path: '/p/app', target: '/srv', ...r });

describe('watch matching', () => {
  it('must ignore .git, editor swap and backup files, and `~` files, at any depth', () => {
    const m = compileRuleMatcher(rule({}));
    for (const p of [
      '.git/HEAD',
      'a/.git',
      'x/.main.ts.swp',
      'notes.txt~',
      '.#lock',
      '#auto#',
      '4913',
      '.idea/ws.xml',
    ]) {
      expect(m.accepts(`/p/app/${p}`), p).toBe(false);
    }
    expect(m.accepts('/p/app/src/main.ts')).toBe(true);
  });

  it('must read ignore patterns relative to the rule path, not the project folder', () => {
    const m = compileRuleMatcher(rule({ ignore: ['node_modules/', 'app/skip.txt'] }));
    expect(m.ignores('/p/app/node_modules/x/index.js')).toBe(true);
    expect(m.accepts('/p/app/skip.txt')).toBe(true); // "app/" is the rule's path itself, not a folder in it
  });

  it('must act only on files that include matches, when given', () => {
    const m = compileRuleMatcher(rule({ include: ['*.conf', 'sub/**/*.ini'] }));
    expect(m.accepts('/p/app/site.conf')).toBe(true);
    expect(m.accepts('/p/app/sub/a/b.ini')).toBe(true);
    expect(m.accepts('/p/app/readme.md')).toBe(false);
  });

  it("must apply the build context's .dockerignore to a rule inside the context, relative to the context", () => {
    const context = { dir: '/p', patterns: ['app/dist', '*.log'] };
    const m = compileRuleMatcher(rule({}), context);
    expect(m.ignores('/p/app/dist/bundle.js')).toBe(true);
    expect(m.accepts('/p/app/main.ts')).toBe(true);
    const outsideContext = compileRuleMatcher(rule({ path: '/q/app' }), context);
    expect(outsideContext.accepts('/q/app/dist/bundle.js')).toBe(true);
  });

  it('must never accept a path outside the rule tree (where a symlink points)', () => {
    const m = compileRuleMatcher(rule({}));
    expect(m.accepts('/p/other/file')).toBe(false);
    expect(m.accepts('/p/app-sibling/file')).toBe(false);
  });

  it('must map a host path under the rule path to the same path under target', () => {
    expect(containerPath(rule({}), '/p/app/src/a.ts')).toBe('/srv/src/a.ts');
    expect(containerPath(rule({ path: '/p/app/one.conf', target: '/etc/one.conf' }), '/p/app/one.conf')).toBe(
      '/etc/one.conf',
    );
    expect(containerPath(rule({}), '/elsewhere/a.ts')).toBeUndefined();
  });
});
