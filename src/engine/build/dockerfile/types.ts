// The parsed Dockerfile as plain data: what berthd's builder executes. Words are kept raw (quotes, $VARS) because
// expansion depends on the ARG/ENV state at build time; the builder expands them with expandWord/expandWords.

/** Where an instruction starts: 1-based line and column of its keyword (after leading whitespace). */
export interface SourcePos {
  line: number;
  column: number;
}

/**
 * Flags written before an instruction's arguments (`--chown=a:b`, `--link`), by name without the dashes.
 * A boolean flag written bare or `=true` is `true`; `--link=false` is left out (absent means off), as in Docker.
 * String flags keep their value with quotes removed (Docker's flag lexer). A repeatable flag (`--mount`,
 * `--exclude`, `--device`) holds its last value here; every value in order is on the instruction (`mounts`,
 * `excludes`) and in `flagList`. Names are validated per instruction; a flag twice that is not repeatable is an error.
 */
export type Flags = Record<string, string | true>;

/** Every flag in the order written, for repeatable flags and for `original`-faithful history. */
export type FlagList = Array<{ name: string; value: string | true }>;

/**
 * A here-document attached to RUN, COPY or ADD. `content` is the lines between the instruction and the
 * terminator, each with its line ending, with leading tabs already removed when `chomp` (`<<-`) is set.
 * `expand` is false when any part of the delimiter was quoted (`<<'EOF'`, `<<"EOF"`): then the content is
 * used as written; otherwise the builder expands $VARS in it (COPY) or leaves that to the shell (RUN).
 */
export interface Heredoc {
  name: string;
  content: string;
  expand: boolean;
  chomp: boolean;
}

/** Common to every instruction: where it starts and its text as written, continuations joined, heredocs left out. */
export interface InstructionBase {
  at: SourcePos;
  original: string;
}

/**
 * One instruction of a stage, discriminated by `kind` (upper case). Shell form keeps the command text as the
 * only element of `args`; exec form (a valid JSON array of strings, as Docker decides) keeps the array.
 * ENV/LABEL/ARG/COPY/ADD/WORKDIR/USER/EXPOSE/VOLUME/STOPSIGNAL words are raw: quotes and $VARS still in them.
 */
export type Instruction = InstructionBase &
  (
    | {
        kind: 'RUN';
        form: 'shell' | 'exec';
        args: string[];
        heredocs: Heredoc[];
        flags: Flags;
        flagList: FlagList;
        mounts: string[];
      }
    | { kind: 'CMD' | 'ENTRYPOINT'; form: 'shell' | 'exec'; args: string[] }
    | { kind: 'ENV' | 'LABEL'; pairs: Array<{ key: string; value: string }> }
    | { kind: 'ARG'; args: Array<{ name: string; default?: string }> }
    | {
        kind: 'COPY' | 'ADD';
        /** Context or stage paths; heredoc sources (`<<EOF`) are not here but in `heredocs`, in order. */
        sources: string[];
        dest: string;
        heredocs: Heredoc[];
        flags: Flags;
        flagList: FlagList;
        excludes: string[];
      }
    | { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string }
    | { kind: 'EXPOSE' | 'VOLUME'; values: string[] }
    | { kind: 'SHELL'; args: string[] }
    | { kind: 'HEALTHCHECK'; none: true }
    | { kind: 'HEALTHCHECK'; none: false; flags: Flags; form: 'shell' | 'exec'; args: string[] }
    | { kind: 'ONBUILD'; trigger: Instruction }
  );

/** The instruction keywords, upper case. */
export type InstructionKind = Instruction['kind'];

/**
 * One build stage: a FROM and the instructions up to the next FROM. `name` is lower-cased (Docker matches
 * stage names case-insensitively) and unique in the file; `index` is the stage's position, from 0.
 */
export interface Stage {
  index: number;
  name?: string;
  from: { image: string; platform?: string; at: SourcePos; original: string };
  instructions: Instruction[];
}

/** An ARG before the first FROM: usable only in FROM lines, and in stages that redeclare it. */
export interface GlobalArg {
  name: string;
  default?: string;
  at: SourcePos;
}

/** A whole Dockerfile: at least one stage; `escape` from the `# escape=` directive (default backslash). */
export interface Dockerfile {
  file: string;
  escape: '\\' | '`';
  syntax?: string;
  globalArgs: GlobalArg[];
  stages: Stage[];
}
