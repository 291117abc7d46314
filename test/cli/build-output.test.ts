// Build output as berth prints it, on data: chunks cut mid-line, step times, and a long step that says it runs.
import { describe, expect, it } from 'vitest';
import { BuildOutput, STILL_RUNNING_EVERY_MS } from '../../src/cli/build-output.js';

describe('BuildOutput', () => {
  it('prefixes each line once, however the stream is cut', () => {
    const out = new BuildOutput('web');
    let text = out.write('Step 1/2 : FROM base\nhal', 0);
    text += out.write('f a line', 10);
    text += out.write(' and the rest\nnext\n', 20);
    text += out.write('no newline at the end', 30);
    text += out.end(40);
    expect(text).toBe(
      ' web  Step 1/2 : FROM base\n web  half a line and the rest\n web  next\n web  no newline at the end\n',
    );
  });

  it('a step of a second or more says how long it took when the next starts, and the last one at the end', () => {
    const out = new BuildOutput('api');
    const text = [
      out.write('Step 1/3 : FROM base\n', 0),
      out.write('Step 2/3 : RUN make\n', 200), // 200 ms: no time, as before
      out.write('compiled\nStep 3/3 : CMD ["app"]\n', 3400),
      out.end(5000),
    ].join('');
    expect(text).toBe(
      [
        ' api  Step 1/3 : FROM base',
        ' api  Step 2/3 : RUN make',
        ' api  compiled',
        ' api  Step 2/3 done in 3.2 s',
        ' api  Step 3/3 : CMD ["app"]',
        ' api  Step 3/3 done in 1.6 s',
        '',
      ].join('\n'),
    );
  });

  it('a long step says it is still running every ten seconds, and nothing between', () => {
    const out = new BuildOutput('db');
    out.write('Step 1/1 : RUN sleep 25\n', 0);
    expect(out.tick(5000)).toBe('');
    expect(out.tick(STILL_RUNNING_EVERY_MS)).toBe(' db  Step 1/1 still running (10.0 s)\n');
    expect(out.tick(STILL_RUNNING_EVERY_MS + 1000)).toBe('');
    expect(out.tick(2 * STILL_RUNNING_EVERY_MS + 500)).toBe(' db  Step 1/1 still running (20.5 s)\n');
    expect(out.end(25_000)).toBe(' db  Step 1/1 done in 25.0 s\n');
    expect(out.tick(40_000)).toBe('');
  });
});
