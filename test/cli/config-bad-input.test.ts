// Bad input to `berth config`: each gives a one-paragraph error with where and why, a hint, a non-zero exit and no
// stack trace.
import { describe, expect, it } from 'vitest';
import { projectDir, runCli } from './run-cli.js';

const located = (file: string) => new RegExp(`^${file.replace('.', '\\.')}:\\d+:\\d+: `, 'm');

function expectCleanFailure(r: { code: number; stdout: string; stderr: string }): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('hint: ');
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack frames
  expect(r.stderr).not.toContain('this is a bug');
}

describe('berth config on bad input', () => {
  it('a YAML syntax error names the line and column', async () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  web:\n    image: [nginx\n' });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toMatch(located('compose.yaml'));
    expect(r.stderr).toContain('SPEC_YAML_SYNTAX');
  });

  it.each([
    ['a list', '- web\n- db\n', 'not a list'],
    ['a scalar', 'hello\n', 'not a single value'],
  ])('a top level that is %s is refused', async (_what, text, words) => {
    using p = projectDir({ 'compose.yaml': text });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toMatch(/^compose\.yaml:1:1: .*top level of a stack file must be a mapping/m);
    expect(r.stderr).toContain(words);
  });

  it('binary garbage is refused as not text', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    using p = projectDir({ 'compose.yaml': bytes });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('SPEC_NOT_TEXT');
  });

  it('an empty file is refused', async () => {
    using p = projectDir({ 'compose.yaml': '\n# nothing here\n' });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('SPEC_EMPTY_FILE');
  });

  it('a 20 MB file is refused without being parsed', async () => {
    const big = `services:\n  web:\n    image: nginx\n    labels:\n${'      a: b\n'.repeat(2_000_000)}`;
    using p = projectDir({ 'compose.yaml': big });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('SPEC_FILE_TOO_LARGE');
  });

  it('an alias bomb is refused', async () => {
    const lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`x-${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('services:\n  web:\n    image: nginx');
    using p = projectDir({ 'compose.yaml': `${lines.join('\n')}\n` });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('SPEC_ALIAS_BOMB');
  });

  it('deep nesting is refused', async () => {
    const deep = `services:\n  web:\n    image: nginx\nx-deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    using p = projectDir({ 'compose.yaml': deep });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('SPEC_TOO_DEEP');
  });

  it('a missing -f file is named', async () => {
    using p = projectDir({});
    const r = await runCli(['-f', 'nope.yaml', 'config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('nope.yaml" does not exist');
  });

  it('a folder given as -f is named', async () => {
    using p = projectDir({ 'sub/x': '' });
    const r = await runCli(['-f', 'sub', 'config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain('is a folder, not a stack file');
  });

  it('no stack file anywhere up the tree is explained', async () => {
    using p = projectDir({});
    const r = await runCli(['config'], { cwd: '/proc/self' });
    expectCleanFailure(r);
    expect(r.stderr).toContain('CLI_NO_STACK_FILE');
    expect(p.dir).toBeTruthy();
  });

  it('an unknown key is located with a did-you-mean hint', async () => {
    using p = projectDir({ 'compose.yaml': 'services:\n  web:\n    imagee: nginx\n' });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toContain(
      'compose.yaml:3:5: services.web.imagee: services.web has an unknown key "imagee" (hint: did you mean "image"?)',
    );
  });

  it('a bad port mapping is located with a hint', async () => {
    using p = projectDir({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80:80:80"\n',
    });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    expect(r.stderr).toMatch(
      /compose\.yaml:5:9: services\.web\.ports\[0\]: "80:80:80:80" is not a port mapping \(hint: .*HOST:CONTAINER/,
    );
  });

  it('every error of a file is reported, sorted by line', async () => {
    const text =
      'services:\n  web:\n    image: nginx\n    depends_on: [dbb]\n  db:\n    image: x\n    mem_limit: lots\n';
    using p = projectDir({ 'compose.yaml': text });
    const r = await runCli(['config'], { cwd: p.dir });
    expectCleanFailure(r);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^compose\.yaml:4:\d+: .*service "dbb" is not defined \(hint: did you mean "db"\?\)/);
    expect(lines[1]).toMatch(/^compose\.yaml:7:16: services\.db\.mem_limit: /);
  });
});
