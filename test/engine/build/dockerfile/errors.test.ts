// Every Dockerfile error names file:line:column, has code ENGINE_DOCKERFILE_PARSE and a hint. The reasons are
// buildkit's own wording where Docker has one (instructions/parse.go, parser/parser.go).
import { describe, expect, it } from 'vitest';
import { DockerfileError, parseDockerfile } from '../../../../src/engine/build/dockerfile/index.js';

function failure(text: string, file?: string): DockerfileError {
  try {
    parseDockerfile(text, file);
  } catch (e) {
    if (e instanceof DockerfileError) return e;
    throw e;
  }
  throw new Error('expected a DockerfileError');
}

describe('parse errors', () => {
  it.each([
    // [Dockerfile, message, hint]
    ['FROM a\nFORM b', 'Dockerfile:2:1: unknown instruction "FORM"', 'did you mean FROM?'],
    ['FROM a\n  COPPY a b', 'Dockerfile:2:3: unknown instruction "COPPY"', 'did you mean COPY?'],
    [
      'FROM a\nFROBNICATE x',
      'Dockerfile:2:1: unknown instruction "FROBNICATE"',
      'see the Dockerfile reference for the list of instructions',
    ],
    [
      'RUN x\nFROM a',
      'Dockerfile:1:1: RUN before the first FROM: only ARG may come before FROM',
      'add FROM <image> above it',
    ],
    [
      'FROM',
      'Dockerfile:1:1: FROM requires either one or three arguments',
      'write FROM [--platform=<platform>] <image> [AS <name>]',
    ],
    [
      'FROM a b',
      'Dockerfile:1:1: FROM requires either one or three arguments',
      'write FROM [--platform=<platform>] <image> [AS <name>]',
    ],
    [
      'FROM a\nCOPY onlyone',
      'Dockerfile:2:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined',
      'write COPY <source>... <destination>',
    ],
    ['FROM a\nADD', 'Dockerfile:2:1: ADD requires at least two arguments', 'write ADD <source>... <destination>'],
    ['FROM a\nWORKDIR', 'Dockerfile:2:1: WORKDIR requires exactly one argument', 'write WORKDIR <path>'],
    ['FROM a\nUSER  ', 'Dockerfile:2:1: USER requires exactly one argument', 'write USER <user>[:<group>]'],
    ['FROM a\nENV', 'Dockerfile:2:1: ENV requires at least one argument', 'write ENV <key>=<value> ...'],
    ['FROM a\nENV ONLYKEY', 'Dockerfile:2:1: ENV must have two arguments', 'write ENV <key>=<value> ...'],
    [
      'FROM a\nLABEL a=1 b',
      'Dockerfile:2:1: Syntax error - can\'t find = in "b". Must be of the form: name=value',
      'write LABEL <key>=<value> ...',
    ],
    ['FROM a\nENV =x', 'Dockerfile:2:1: ENV names can not be blank', 'write ENV <key>=<value> ...'],
    ['FROM a\nARG', 'Dockerfile:2:1: ARG requires at least one argument', 'write ARG <name>[=<default>]'],
    ['FROM a\nEXPOSE', 'Dockerfile:2:1: EXPOSE requires at least one argument', 'write EXPOSE <port>[/<proto>]...'],
    ['FROM a\nVOLUME []', 'Dockerfile:2:1: VOLUME requires at least one argument', 'write VOLUME <path>...'],
    [
      'FROM a\nVOLUME ["/a", " "]',
      'Dockerfile:2:1: VOLUME specified can not be an empty string',
      'remove the empty path',
    ],
    ['FROM a\nRUN', 'Dockerfile:2:1: RUN requires at least one argument', 'write the command to run after RUN'],
    [
      'FROM a\nSHELL /bin/bash -c',
      'Dockerfile:2:1: SHELL requires the arguments to be in JSON form',
      'write it as a JSON array, e.g. SHELL ["/bin/bash", "-c"]',
    ],
    [
      'FROM a\nSHELL []',
      'Dockerfile:2:1: SHELL requires at least one argument',
      'write it as a JSON array, e.g. SHELL ["/bin/bash", "-c"]',
    ],
    [
      'FROM a\nCOPY --foo=1 a b',
      'Dockerfile:2:1: unknown flag: foo',
      'COPY takes --from, --chown, --chmod, --link, --parents, --exclude',
    ],
    ['FROM a\nCOPY --chwn=1 a b', 'Dockerfile:2:1: unknown flag: chwn', 'did you mean --chown?'],
    ['FROM a\nWORKDIR --x /a', 'Dockerfile:2:1: unknown flag: x', 'WORKDIR takes no flags'],
    ['FROM a\nCOPY --from=a --from=b x y', 'Dockerfile:2:1: duplicate flag specified: from', 'give --from once'],
    ['FROM a\nCOPY --from x y', 'Dockerfile:2:1: missing a value on flag: from', 'write --from=<value>'],
    [
      'FROM a\nCOPY --link=yes x y',
      'Dockerfile:2:1: expecting boolean value for flag link, not: yes',
      'write --link=true or --link=false',
    ],
    ['FROM --plaform=linux/amd64 a', 'Dockerfile:1:1: unknown flag: plaform', 'did you mean --platform?'],
    [
      'FROM a\nRUN <<EOF\necho\n',
      'Dockerfile:2:1: unterminated heredoc',
      'end the heredoc with a line holding only EOF',
    ],
    [
      'FROM a\nRUN <<-EOF\n\techo\nEOF \n',
      'Dockerfile:2:1: unterminated heredoc',
      'end the heredoc with a line holding only EOF',
    ],
    [
      'FROM a\nCOPY <<EOF <<TO\nx\nEOF\ny\nTO',
      'Dockerfile:2:1: COPY cannot accept a heredoc as a destination',
      'write COPY <source>... <destination>',
    ],
    ['FROM a AS b\nFROM c AS B', 'Dockerfile:2:1: duplicate stage name "b"', 'stage "b" is already defined at line 1'],
    [
      'FROM a AS 1st',
      'Dockerfile:1:1: invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
      'start with a letter and use only letters, digits, "-", "_" and "."',
    ],
    [
      'FROM a AS my/stage',
      'Dockerfile:1:1: invalid name for build stage: "my/stage", name can\'t start with a number or contain symbols',
      'start with a letter and use only letters, digits, "-", "_" and "."',
    ],
    [
      'FROM a\nONBUILD ONBUILD RUN x',
      "Dockerfile:2:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
      'give the trigger instruction once',
    ],
    [
      'FROM a\nONBUILD FROM b',
      "Dockerfile:2:1: FROM isn't allowed as an ONBUILD trigger",
      'ONBUILD takes any instruction but ONBUILD, FROM and MAINTAINER',
    ],
    [
      'FROM a\nONBUILD maintainer me',
      "Dockerfile:2:1: MAINTAINER isn't allowed as an ONBUILD trigger",
      'ONBUILD takes any instruction but ONBUILD, FROM and MAINTAINER',
    ],
    ['FROM a\nONBUILD RUNN x', 'Dockerfile:2:9: unknown instruction "RUNN"', 'did you mean RUN?'],
    ['FROM a\nONBUILD', 'Dockerfile:2:1: ONBUILD requires at least one argument', 'write ONBUILD <instruction>'],
    [
      'FROM a\nHEALTHCHECK',
      'Dockerfile:2:1: HEALTHCHECK requires at least one argument',
      'write HEALTHCHECK [--interval=…] CMD <command> or HEALTHCHECK NONE',
    ],
    [
      'FROM a\nHEALTHCHECK NONE x',
      'Dockerfile:2:1: HEALTHCHECK NONE takes no arguments',
      'remove the words after NONE',
    ],
    [
      'FROM a\nHEALTHCHECK CURL x',
      'Dockerfile:2:1: Unknown type "CURL" in HEALTHCHECK (try CMD)',
      'write HEALTHCHECK [--interval=…] CMD <command> or HEALTHCHECK NONE',
    ],
    [
      'FROM a\nHEALTHCHECK CMD',
      'Dockerfile:2:1: Missing command after HEALTHCHECK CMD',
      'write HEALTHCHECK [--interval=…] CMD <command> or HEALTHCHECK NONE',
    ],
    [
      'FROM a\nHEALTHCHECK --interval=5 CMD x',
      'Dockerfile:2:1: time: invalid duration "5"',
      'write --interval as e.g. 30s, 1m30s or 500ms',
    ],
    [
      'FROM a\nHEALTHCHECK --timeout=10us CMD x',
      'Dockerfile:2:1: Interval "timeout" cannot be less than 1ms',
      'use at least 1ms, or 0 for the default',
    ],
    ['FROM a\nHEALTHCHECK --retries=-1 CMD x', 'Dockerfile:2:1: --retries cannot be negative (-1)', 'use 0 or more'],
    [
      '# escape=x\nFROM a',
      "Dockerfile:1:1: invalid escape token 'x' does not match ` or \\",
      'use "# escape=\\" or "# escape=`"',
    ],
    [
      '# escape=`\n# escape=\\\nFROM a',
      'Dockerfile:2:1: only one escape parser directive can be used',
      'remove the repeated directive',
    ],
    ['', 'Dockerfile:1:1: file with no instructions', 'start the Dockerfile with FROM <image>'],
    ['# just a comment\n\n', 'Dockerfile:2:1: file with no instructions', 'start the Dockerfile with FROM <image>'],
    ['ARG A=1\n', 'Dockerfile:1:1: the Dockerfile has no FROM instruction', 'add FROM <image> after the global ARGs'],
  ])('%j', (text, message, hint) => {
    const err = failure(text);
    expect(err).toMatchObject({
      name: 'DockerfileError',
      kind: 'invalid',
      code: 'ENGINE_DOCKERFILE_PARSE',
      message,
      hint,
    });
  });

  it('names the given file and the line of a continued instruction start', () => {
    const err = failure('FROM a\nRUN echo \\\n  a\nCOPY \\\n  one', 'services/api/Dockerfile.dev');
    expect(err.message).toBe(
      'services/api/Dockerfile.dev:4:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined',
    );
    expect(err).toMatchObject({ file: 'services/api/Dockerfile.dev', at: { line: 4, column: 1 } });
  });

  it('reports the first error in file order', () => {
    expect(failure('FROM a\nWORKDIR\nFORM x').message).toBe('Dockerfile:2:1: WORKDIR requires exactly one argument');
  });
});
