// The EngineClient contract for builds: a Dockerfile on the contract's image gives an image with the tags, the
// config the instructions set and the request's labels; a failing RUN rejects with the build's own message.
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { expect, it } from 'vitest';
import type { Connect } from './contract-session.js';
import { IMAGE, withSession } from './contract-session.js';

async function contextOf(files: Record<string, string>): Promise<Readable> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644, mtime: new Date(0) }, content);
  pack.finalize();
  return Readable.from(pack);
}

export function buildContract(connect: Connect): void {
  it('a build gives the image its tags, the config its instructions set and the labels asked for', () =>
    withSession(connect, async (s) => {
      const tag = `${s.name('built')}:1`;
      s.ownTag(tag);
      const dockerfile = `FROM ${IMAGE}\nLABEL stage=one\nENV GREETING=hi\nCOPY hello.txt /app/\nCMD ["cat", "/app/hello.txt"]\n`;
      const { id } = await s.engine.images.build({
        context: await contextOf({ Dockerfile: dockerfile, 'hello.txt': 'hello\n' }),
        tags: [tag],
        labels: { built: 'by-contract' },
      });
      const img = await s.engine.images.inspect(tag);
      expect(img?.id).toBe(id);
      expect(img?.config).toMatchObject({
        Labels: { stage: 'one', built: 'by-contract' },
        Cmd: ['cat', '/app/hello.txt'],
        Env: expect.arrayContaining(['GREETING=hi']),
      });
      const name = s.name('from-build');
      await s.engine.containers.create({
        name,
        body: { Image: tag, Labels: s.label, HostConfig: { NetworkMode: 'none' } },
      });
      expect((await s.engine.containers.statPath(name, '/app/hello.txt'))?.size).toBe(6);
    }));

  it("a build whose RUN fails rejects with the step's exit code, and tags nothing", () =>
    withSession(connect, async (s) => {
      const tag = `${s.name('broken')}:1`;
      s.ownTag(tag);
      const failed = s.engine.images.build({
        context: await contextOf({ Dockerfile: `FROM ${IMAGE}\nRUN exit 3\n` }),
        tags: [tag],
      });
      await expect(failed).rejects.toMatchObject({
        name: 'EngineError',
        code: 'ENGINE_BUILD_FAILED',
        message: expect.stringMatching(/returned a non-zero code: 3/),
      });
      expect(await s.engine.images.inspect(tag)).toBeUndefined();
    }));
}
