// The API version a client asks for in its path (/v1.41/...), checked against the range berthd serves, with
// dockerd's words (api/server/middleware/version.go), so a client too new or too old learns it at once.
import { EngineError } from '../errors.js';

/** The newest and oldest API versions berthd serves; /version reports the same two. */
export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';

/** Compares "major.minor" versions numerically ("1.9" < "1.10"). */
export function compareApiVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** Throws EngineError `invalid` (a 400) for a version outside MIN_API_VERSION..API_VERSION; none asked is fine. */
export function checkApiVersion(version: string | undefined): void {
  if (version === undefined) return;
  if (compareApiVersions(version, API_VERSION) > 0) {
    throw new EngineError(
      'invalid',
      'ENGINE_API_TOO_NEW',
      `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`,
      { hint: `set DOCKER_API_VERSION=${API_VERSION} in the client's environment` },
    );
  }
  if (compareApiVersions(version, MIN_API_VERSION) < 0) {
    throw new EngineError(
      'invalid',
      'ENGINE_API_TOO_OLD',
      `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
}
