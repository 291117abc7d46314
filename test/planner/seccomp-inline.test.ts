// inlineSeccompProfiles on inline data: a profile file named in security_opt is sent as its compact JSON, as
// Compose does; other options pass unchanged; a file that cannot be read or is not JSON is a PLAN_ error.
import { describe, expect, it } from 'vitest';
import { inlineSeccompProfiles } from '../../src/planner/seccomp-inline.js';

const files = new Map([
  ['/p/profile.json', '{\n  "defaultAction": "SCMP_ACT_ALLOW",\n  "syscalls": []\n}\n'],
  ['/p/broken.json', '{ "defaultAction": '],
]);
const read = (path: string): string => {
  const text = files.get(path);
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};

describe('inlineSeccompProfiles', () => {
  it("a seccomp=/path option must become seccomp=<the file's compact JSON>, others unchanged", () => {
    expect(
      inlineSeccompProfiles(['no-new-privileges:true', 'seccomp=/p/profile.json', 'seccomp:unconfined'], read),
    ).toEqual([
      'no-new-privileges:true',
      'seccomp={"defaultAction":"SCMP_ACT_ALLOW","syscalls":[]}',
      'seccomp:unconfined',
    ]);
    expect(inlineSeccompProfiles(undefined, read)).toBeUndefined();
  });

  it('a missing or broken file must fail with PLAN_SECCOMP_PROFILE naming it', () => {
    expect(() => inlineSeccompProfiles(['seccomp=/p/nope.json'], read)).toThrowError(
      expect.objectContaining({ code: 'PLAN_SECCOMP_PROFILE', message: 'opening seccomp profile /p/nope.json failed' }),
    );
    expect(() => inlineSeccompProfiles(['seccomp=/p/broken.json'], read)).toThrowError(
      expect.objectContaining({
        code: 'PLAN_SECCOMP_PROFILE',
        message: expect.stringContaining('/p/broken.json is not JSON'),
      }),
    );
  });
});
