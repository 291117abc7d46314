// A command that ends normally but must make berth exit with a code other than 0 and print nothing more: `up
// --exit-code-from` (the service's exit code), `up --abort-on-container-exit` (the first exited container's),
// `exec` and `run` (the process's exit code).
import { BerthError } from '../errors.js';

/** Thrown to end the command with `status`; main() returns it as the exit code and renders nothing. */
export class ExitStatus extends BerthError {
  readonly status: number;
  constructor(status: number, why = `exit status ${status}`) {
    super('CLI_EXIT_STATUS', why);
    this.name = 'ExitStatus';
    this.status = status;
  }

  /** The same number, for callers that name it as Node does. */
  get exitCode(): number {
    return this.status;
  }
}
