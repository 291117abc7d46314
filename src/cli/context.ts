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
}

/** Options every stack command takes (Compose's global flags). */
export interface ProjectOptions {
  file: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile: string[];
  profile: string[];
}
