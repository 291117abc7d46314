// The hint of a failed pull or push, from what the engine said: a refusal asks for docker login, a missing image
// for its name and tag, anything else for the registry's reach. A registry's port that holds 401 or 403
// (127.0.0.1:40133, a port the tests' registry once got) is no refusal: that was a flaky test.
import { describe, expect, it } from 'vitest';
import { transferError } from '../../src/cli/image-transfer.js';

const hint = (verb: 'pull' | 'push', why: string, registry = '127.0.0.1:40133'): string | undefined =>
  transferError(verb, `${registry}/app:1`, registry, why).hint;

describe('transferError', () => {
  it('asks for docker login when the registry refused, whatever the wording', () => {
    for (const why of [
      'unauthorized: authentication required',
      'denied: requested access to the resource is denied',
      'no basic auth credentials',
      'GET https://r.example/v2/app/manifests/1: 401 Unauthorized',
      'status 403',
    ]) {
      expect(hint('pull', why, 'r.example')).toContain('docker login r.example');
    }
  });

  it('does not take the digits of a port or an address for a status code', () => {
    const why = '127.0.0.1:40133: not found: manifest unknown (manifest of 127.0.0.1:40133/app:1)';
    expect(hint('pull', why)).toBe('check the name and tag of 127.0.0.1:40133/app:1 on 127.0.0.1:40133');
    expect(hint('pull', 'dial tcp 10.0.4.1:40312: connect: connection refused', '10.0.4.1:40312')).toBe(
      'check that 10.0.4.1:40312 is reachable from the engine',
    );
    expect(hint('push', 'connection reset', '127.0.0.1:14031')).toBe(
      'check that 127.0.0.1:14031 is reachable from the engine and accepts pushes',
    );
  });

  it('names the verb, the image and the registry, with the code of the verb', () => {
    const e = transferError('push', '127.0.0.1:5000/app:1', '127.0.0.1:5000', 'blob upload unknown');
    expect(e.code).toBe('CLI_PUSH_FAILED');
    expect(e.message).toBe('push 127.0.0.1:5000/app:1 to 127.0.0.1:5000: blob upload unknown');
  });
});
