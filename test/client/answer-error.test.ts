import { describe, expect, it } from 'vitest';
import { answerError, kindOfStatus } from '../../src/client/docker/answer-error.js';
import { EngineError } from '../../src/client/errors.js';

describe('an engine error answer as an EngineError', () => {
  it('maps each status to its kind, as containerd errdefs maps them', () => {
    expect([404, 409, 400, 413, 304, 401, 403, 500, 503].map(kindOfStatus)).toEqual([
      'not-found',
      'conflict',
      'invalid',
      'invalid',
      'not-modified',
      'unauthorized',
      'unauthorized',
      'internal',
      'internal',
    ]);
    expect(kindOfStatus(200)).toBeUndefined();
    expect(kindOfStatus(101)).toBeUndefined();
  });

  it("must keep dockerd's message and give the kind's own code when the body names none", () => {
    const e = answerError(404, '{"message":"No such container: ghost"}', 'DELETE /containers/ghost');
    expect(e).toBeInstanceOf(EngineError);
    expect(e).toMatchObject({ kind: 'not-found', code: 'ENGINE_NOT_FOUND', message: 'No such container: ghost' });
    expect(e.hint).toBeUndefined();
  });

  it("must carry berthd's code and hint from beside the message", () => {
    const body = JSON.stringify({
      message: 'unknown capability "BOGUS"',
      code: 'ENGINE_UNKNOWN_CAPABILITY',
      hint: 'use a name',
    });
    expect(answerError(400, body, 'POST /containers/create')).toMatchObject({
      kind: 'invalid',
      code: 'ENGINE_UNKNOWN_CAPABILITY',
      hint: 'use a name',
    });
  });

  it("must ignore a code that is not one of berth's (a proxy's number) and keep a text body as the message", () => {
    expect(answerError(502, '{"message":"bad gateway","code":502}', 'GET /info')).toMatchObject({
      kind: 'internal',
      code: 'ENGINE_INTERNAL',
      hint: 'the engine failed while GET /info; its log may say more',
    });
    expect(answerError(400, 'plain words\n', 'POST /x')).toMatchObject({
      message: 'plain words',
      code: 'ENGINE_INVALID_REQUEST',
    });
    expect(answerError(409, '', 'POST /x').message).toBe('HTTP 409');
  });
});
