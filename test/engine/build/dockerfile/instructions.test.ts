// Every instruction form, parsed as buildkit's parser + instructions packages would type it.
import { describe, expect, it } from 'vitest';
import { parseDockerfile, type Instruction } from '../../../../src/engine/build/dockerfile/index.js';

/** The instructions of `FROM scratch` followed by `body`. */
function parsed(body: string): Instruction[] {
  return parseDockerfile(`FROM scratch\n${body}\n`).stages[0]!.instructions;
}
function one(body: string): Instruction {
  const all = parsed(body);
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe('RUN, CMD, ENTRYPOINT', () => {
  it('keeps the shell form as one command text', () => {
    expect(one('RUN apt-get update && apt-get install -y curl')).toMatchObject({
      kind: 'RUN',
      form: 'shell',
      args: ['apt-get update && apt-get install -y curl'],
      heredocs: [],
      flags: {},
      at: { line: 2, column: 1 },
      original: 'RUN apt-get update && apt-get install -y curl',
    });
  });

  it('uses the exec form only for a valid JSON array of strings', () => {
    expect(one('RUN ["echo", "a b"]')).toMatchObject({ form: 'exec', args: ['echo', 'a b'] });
    // Docker: not valid JSON (single quotes) falls back to the shell form, text unchanged.
    expect(one("CMD ['echo', 'x']")).toMatchObject({ kind: 'CMD', form: 'shell', args: ["['echo', 'x']"] });
    expect(one('ENTRYPOINT ["a",]')).toMatchObject({ form: 'shell', args: ['["a",]'] });
    expect(one('CMD []')).toMatchObject({ kind: 'CMD', form: 'exec', args: [] });
    expect(one('CMD')).toMatchObject({ kind: 'CMD', form: 'shell', args: [] });
  });

  it('rejects a JSON array holding a non-string, as Docker does', () => {
    expect(() => parsed('CMD ["sleep", 10]')).toThrow(
      'Dockerfile:2:1: when using JSON array syntax, arrays must be comprised of strings only',
    );
  });

  it('is case-insensitive and keeps the keyword column', () => {
    expect(one('  run echo hi')).toMatchObject({ kind: 'RUN', args: ['echo hi'], at: { line: 2, column: 3 } });
    expect(one('Cmd ["x"]')).toMatchObject({ kind: 'CMD', form: 'exec', args: ['x'] });
  });

  it('parses RUN flags; --mount repeats, every value kept in mounts', () => {
    const run = one('RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok --network=none echo');
    expect(run).toMatchObject({
      kind: 'RUN',
      args: ['echo'],
      flags: { mount: 'type=secret,id=tok', network: 'none' },
      mounts: ['type=cache,target=/root/.cache', 'type=secret,id=tok'],
      flagList: [
        { name: 'mount', value: 'type=cache,target=/root/.cache' },
        { name: 'mount', value: 'type=secret,id=tok' },
        { name: 'network', value: 'none' },
      ],
    });
    expect(one('RUN --security=insecure id')).toMatchObject({ flags: { security: 'insecure' } });
  });

  it('removes quotes from flag values, as extractBuilderFlags does', () => {
    expect(one('RUN --mount="type=bind,target=/a b" ls')).toMatchObject({ flags: { mount: 'type=bind,target=/a b' } });
  });
});

describe('heredocs', () => {
  it('reads RUN <<EOF as a script body', () => {
    expect(one('RUN <<EOF\necho hi\necho $HOME\nEOF')).toMatchObject({
      kind: 'RUN',
      form: 'shell',
      args: ['<<EOF'],
      heredocs: [{ name: 'EOF', content: 'echo hi\necho $HOME\n', expand: true, chomp: false }],
    });
  });

  it('does not expand when the delimiter is quoted', () => {
    expect(one("RUN <<'EOF'\n$X\nEOF")).toMatchObject({ heredocs: [{ name: 'EOF', expand: false }] });
    expect(one('RUN <<"EOF"\n$X\nEOF')).toMatchObject({ heredocs: [{ name: 'EOF', expand: false }] });
  });

  it('strips leading tabs from body and terminator with <<-', () => {
    expect(one('RUN <<-EOF\n\techo a\n\t\techo b\n\tEOF')).toMatchObject({
      heredocs: [{ name: 'EOF', content: 'echo a\necho b\n', chomp: true }],
    });
  });

  it('reads a heredoc inside a command and several heredocs on one line, in order', () => {
    expect(one('RUN cat <<EOF > /file\nhello\nEOF')).toMatchObject({
      args: ['cat <<EOF > /file'],
      heredocs: [{ name: 'EOF', content: 'hello\n' }],
    });
    const run = one('RUN <<A cat /dev/stdin - <<B\nfirst\nA\nsecond\nB');
    expect(run).toMatchObject({
      heredocs: [
        { name: 'A', content: 'first\n' },
        { name: 'B', content: 'second\n' },
      ],
    });
  });

  it('keeps body lines raw: no comment stripping, no continuation', () => {
    expect(one('RUN <<EOF\n# not a comment \\\n  indented\nEOF')).toMatchObject({
      heredocs: [{ content: '# not a comment \\\n  indented\n' }],
    });
  });

  it('attaches COPY heredocs as sources and keeps file sources apart', () => {
    const copy = one('COPY <<EOF a.txt /dest/\nline\nEOF');
    expect(copy).toMatchObject({
      kind: 'COPY',
      sources: ['a.txt'],
      dest: '/dest/',
      heredocs: [{ name: 'EOF', content: 'line\n', expand: true }],
    });
  });

  it('reads no heredoc in exec form or for other instructions', () => {
    expect(parsed('RUN ["cat", "<<EOF"]\nENV A=1')).toHaveLength(2);
    expect(parsed('CMD cat <<EOF\nENV A=1')).toHaveLength(2);
  });

  it('reads heredocs of an ONBUILD trigger', () => {
    expect(one('ONBUILD RUN <<EOF\necho\nEOF')).toMatchObject({
      kind: 'ONBUILD',
      trigger: { kind: 'RUN', heredocs: [{ name: 'EOF', content: 'echo\n' }] },
    });
  });

  it('continues parsing after the terminator', () => {
    const all = parsed('RUN <<EOF\nx\nEOF\nRUN y');
    expect(all.map((i) => i.at.line)).toEqual([2, 5]);
  });
});

describe('ENV, LABEL, ARG', () => {
  it('reads the key=value form, quotes and escapes kept raw', () => {
    expect(one('ENV A=1 B="two words" C=a\\ b D=')).toMatchObject({
      kind: 'ENV',
      pairs: [
        { key: 'A', value: '1' },
        { key: 'B', value: '"two words"' },
        { key: 'C', value: 'a\\ b' },
        { key: 'D', value: '' },
      ],
    });
  });

  it('reads the legacy `ENV key value` form: the rest of the line is the value', () => {
    expect(one('ENV GREETING hello  big world')).toMatchObject({
      pairs: [{ key: 'GREETING', value: 'hello  big world' }],
    });
  });

  it('reads LABEL pairs', () => {
    expect(one('LABEL org.opencontainers.image.title="My app" version=1.0')).toMatchObject({
      kind: 'LABEL',
      pairs: [
        { key: 'org.opencontainers.image.title', value: '"My app"' },
        { key: 'version', value: '1.0' },
      ],
    });
  });

  it('reads several ARGs, with and without defaults', () => {
    expect(one('ARG A B=2 C="x y"')).toMatchObject({
      kind: 'ARG',
      args: [{ name: 'A' }, { name: 'B', default: '2' }, { name: 'C', default: '"x y"' }],
    });
    expect(one('ARG A')).toEqual(expect.objectContaining({ args: [{ name: 'A' }] }));
  });
});

describe('COPY and ADD', () => {
  it('reads sources, destination and flags', () => {
    expect(one('COPY --from=build --chown=app:app --chmod=755 --link a b /dst/')).toMatchObject({
      kind: 'COPY',
      sources: ['a', 'b'],
      dest: '/dst/',
      heredocs: [],
      flags: { from: 'build', chown: 'app:app', chmod: '755', link: true },
    });
  });

  it('reads the JSON form (paths with spaces)', () => {
    expect(one('ADD ["my file", "/dst dir/"]')).toMatchObject({ kind: 'ADD', sources: ['my file'], dest: '/dst dir/' });
  });

  it('splits the shell form on whitespace only, as Docker does (quotes do not group)', () => {
    expect(one('COPY "a b" /x')).toMatchObject({ sources: ['"a', 'b"'], dest: '/x' });
  });

  it('reads ADD flags and repeatable --exclude', () => {
    const add = one('ADD --checksum=sha256:abc --keep-git-dir --link=false --exclude=*.md --exclude=.git src /s');
    expect(add).toMatchObject({ flags: { checksum: 'sha256:abc', 'keep-git-dir': true }, excludes: ['*.md', '.git'] });
    expect((add as { flags: object }).flags).not.toHaveProperty('link');
  });
});

describe('single-value and list instructions', () => {
  it.each([
    ['WORKDIR /app', { kind: 'WORKDIR', value: '/app' }],
    ['WORKDIR /my dir', { kind: 'WORKDIR', value: '/my dir' }],
    ['USER app:app', { kind: 'USER', value: 'app:app' }],
    ['STOPSIGNAL SIGTERM', { kind: 'STOPSIGNAL', value: 'SIGTERM' }],
    ['MAINTAINER Jane <j@x>', { kind: 'MAINTAINER', value: 'Jane <j@x>' }],
    ['EXPOSE 80/tcp 443 53/udp', { kind: 'EXPOSE', values: ['80/tcp', '443', '53/udp'] }],
    ['VOLUME /data /logs', { kind: 'VOLUME', values: ['/data', '/logs'] }],
    ['VOLUME ["/data", "/my logs"]', { kind: 'VOLUME', values: ['/data', '/my logs'] }],
    ['SHELL ["/bin/bash", "-o", "pipefail", "-c"]', { kind: 'SHELL', args: ['/bin/bash', '-o', 'pipefail', '-c'] }],
  ])('%s', (line, expected) => {
    expect(one(line)).toMatchObject(expected);
  });
});

describe('HEALTHCHECK and ONBUILD', () => {
  it('reads NONE, the shell and the exec form with flags', () => {
    expect(one('HEALTHCHECK NONE')).toMatchObject({ kind: 'HEALTHCHECK', none: true });
    expect(one('HEALTHCHECK --interval=5s --timeout=3s --retries=3 CMD curl -f http://localhost/')).toMatchObject({
      kind: 'HEALTHCHECK',
      none: false,
      form: 'shell',
      args: ['curl -f http://localhost/'],
      flags: { interval: '5s', timeout: '3s', retries: '3' },
    });
    expect(one('healthcheck --start-period=1m30s --start-interval=500ms cmd ["pg_isready"]')).toMatchObject({
      form: 'exec',
      args: ['pg_isready'],
    });
  });

  it('keeps the ONBUILD trigger typed, with its own position and text', () => {
    expect(one('ONBUILD COPY --from=x a /b')).toMatchObject({
      kind: 'ONBUILD',
      original: 'ONBUILD COPY --from=x a /b',
      trigger: {
        kind: 'COPY',
        sources: ['a'],
        dest: '/b',
        flags: { from: 'x' },
        at: { line: 2, column: 9 },
        original: 'COPY --from=x a /b',
      },
    });
  });
});
