// A service's build output as berth prints it: each line prefixed by the service once, however the engine cut the
// stream (a chunk may end in the middle of a line: the rest of the line comes unprefixed with the next chunk); a
// step that took a second or more says how long when the next one starts; and a step still running says so every
// ten seconds, so a long RUN does not look hung. Pure: the caller passes the time (build-services.ts).

/** Steps shorter than this print no time: short steps print as they did before. */
export const STEP_TIME_FROM_MS = 1000;
/** How often a step still running says so. */
export const STILL_RUNNING_EVERY_MS = 10_000;

const STEP = /^Step \d+\/\d+ : /;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export class BuildOutput {
  private partial = '';
  private step: { title: string; startedAt: number; toldAt: number } | undefined;

  constructor(private readonly service: string) {}

  /** The text to print for a chunk of the engine's build stream that arrived at `now` (ms). */
  write(chunk: string, now: number): string {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.map((l) => this.line(l, now)).join('');
  }

  /** Called every second or so while the build runs: a line when the current step has been running long. */
  tick(now: number): string {
    const step = this.step;
    if (!step || now - step.toldAt < STILL_RUNNING_EVERY_MS) return '';
    step.toldAt = now;
    return this.prefix(`${step.title} still running (${seconds(now - step.startedAt)})`);
  }

  /** The end of the build: the rest of a last line without its newline, and the last step's time. */
  end(now: number): string {
    const rest = this.partial === '' ? '' : this.prefix(this.partial);
    this.partial = '';
    return rest + this.closeStep(now);
  }

  private line(line: string, now: number): string {
    if (!STEP.test(line)) return this.prefix(line);
    const done = this.closeStep(now);
    this.step = { title: line.replace(/ : .*/, ''), startedAt: now, toldAt: now };
    return done + this.prefix(line);
  }

  private closeStep(now: number): string {
    const step = this.step;
    this.step = undefined;
    if (!step || now - step.startedAt < STEP_TIME_FROM_MS) return '';
    return this.prefix(`${step.title} done in ${seconds(now - step.startedAt)}`);
  }

  private prefix(line: string): string {
    return ` ${this.service}  ${line}\n`;
  }
}
