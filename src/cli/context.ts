// What a command needs from the outside world, passed in so commands can run in tests without a process.
export interface CliContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => string;
  /** Aborted on the first Ctrl-C (the process context); commands that run until interrupted watch it. */
  signal?: AbortSignal;
  /** Whether stdout is a terminal: colors and in-place progress only then. */
  isTTY?: boolean;
  /**
   * The process's own streams, for commands that pass bytes through (exec, run, cp with "-"): binary-safe, and
   * stdin read as it comes rather than at once. Absent in tests that capture text; readStdin stands in then.
   */
  stdio?: CliStdio;
}

/** Standard streams; a terminal is a `tty.ReadStream`/`tty.WriteStream` with `isTTY` set. */
export interface CliStdio {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Options every stack command takes (Compose's global flags). */
export interface ProjectOptions {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
  /** --progress: auto, tty, plain, json or quiet (default COMPOSE_PROGRESS, then auto). */
  progress?: string;
  /** -H/--host and --context: the engine, as the docker CLI's flags choose it (see client/endpoint.ts). */
  host?: string;
  context?: string;
  /** --frozen of up, build, pull and run: refuse on any drift from berth.lock (BERTH_FROZEN=1 too). */
  frozen?: boolean;
}
