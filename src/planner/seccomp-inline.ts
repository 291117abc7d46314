// The second half of Compose's parseSecurityOpts: a `seccomp=PATH` security option (the planner resolved PATH
// from the project folder) is sent as `seccomp=<the file's JSON, compacted>`, which is what both dockerd and berthd
// take. Pure: the file comes through the caller's reader.
import { BerthError } from '../errors.js';

/**
 * `options` with each `seccomp=/abs/path` replaced by the profile's compact JSON; other options unchanged.
 * Throws PLAN_SECCOMP_PROFILE when a file cannot be read or is not JSON (as Compose's "opening seccomp profile").
 */
export function inlineSeccompProfiles(
  options: readonly string[] | undefined,
  readFile: (path: string) => string,
): string[] | undefined {
  return options?.map((opt) => {
    const m = /^seccomp=(\/.*)$/.exec(opt);
    if (!m) return opt;
    const path = m[1] as string;
    let text: string;
    try {
      text = readFile(path);
    } catch (e) {
      throw new BerthError('PLAN_SECCOMP_PROFILE', `opening seccomp profile ${path} failed`, {
        hint: 'security_opt seccomp= names a profile file relative to the project folder',
        cause: e,
      });
    }
    try {
      return `seccomp=${JSON.stringify(JSON.parse(text))}`;
    } catch (e) {
      throw new BerthError('PLAN_SECCOMP_PROFILE', `seccomp profile ${path} is not JSON: ${(e as Error).message}`, {
        hint: 'a profile is JSON in Docker\'s format: {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [...]}',
        cause: e,
      });
    }
  });
}
