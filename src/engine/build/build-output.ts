// What a build tells its client while it runs, in the JSON message lines of Docker's classic builder
// ({"stream": "Step 1/4 : FROM busybox\n"}, {"aux": {"ID": ...}}, {"errorDetail": ...}), which the docker CLI prints.
import type { Writable } from 'node:stream';

/** A sink for build progress; the route writes it to the response, tests collect it. */
export interface BuildOutput {
  /** Text for the user, ending in a newline. */
  line(text: string): void;
  /** Output of a RUN step, as the container wrote it. */
  raw(text: string): void;
  /** The built image's ID (Docker sends it as aux before "Successfully built"). */
  imageId(id: string): void;
  error(message: string): void;
}

export function jsonLinesOutput(out: Writable, opts: { quiet?: boolean } = {}): BuildOutput {
  const send = (msg: unknown): void => {
    out.write(`${JSON.stringify(msg)}\n`);
  };
  return {
    line: (text) => (opts.quiet ? undefined : send({ stream: text })),
    raw: (text) => (opts.quiet ? undefined : send({ stream: text })),
    imageId: (id) => send({ aux: { ID: id } }),
    error: (message) => send({ errorDetail: { message }, error: message }),
  };
}
