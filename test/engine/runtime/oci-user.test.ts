// resolveUser on its own: Docker's User forms against an image's /etc/passwd and /etc/group.
import { describe, expect, it } from 'vitest';
import { resolveUser } from '../../../src/engine/runtime/oci-user.js';

const passwd = [
  'root:x:0:0:root:/root:/bin/sh',
  'app:x:1000:1000::/home/app:/bin/sh',
  'web:x:33:33::/var/www:/bin/false',
  '# comment',
  'broken-line',
].join('\n');
const group = [
  'root:x:0:',
  'app:x:1000:',
  'www-data:x:33:',
  'audio:x:29:app,web',
  'video:x:44:app',
  'staff:x:50:',
].join('\n');

describe('resolveUser', () => {
  it('an empty user must be root with the groups that list root', () => {
    expect(resolveUser('', passwd, group)).toEqual({ uid: 0, gid: 0, additionalGids: [0] });
  });

  it('a user name must take its uid and primary gid, plus the groups that list it', () => {
    expect(resolveUser('app', passwd, group)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 29, 44] });
  });

  it('a numeric uid in passwd must resolve like its name', () => {
    expect(resolveUser('33', passwd, group)).toEqual({ uid: 33, gid: 33, additionalGids: [33, 29] });
  });

  it('a numeric uid not in passwd must work, with gid 0', () => {
    expect(resolveUser('4242', passwd, group)).toEqual({ uid: 4242, gid: 0, additionalGids: [0] });
  });

  it('numeric ids must work without any passwd or group file', () => {
    expect(resolveUser('1001:1002')).toEqual({ uid: 1001, gid: 1002, additionalGids: [1002] });
  });

  it('user:group must take the named group and no supplementary groups', () => {
    expect(resolveUser('app:staff', passwd, group)).toEqual({ uid: 1000, gid: 50, additionalGids: [50] });
  });

  it('uid:gid with ids in neither file must be taken as given', () => {
    expect(resolveUser('5000:6000', passwd, group)).toEqual({ uid: 5000, gid: 6000, additionalGids: [6000] });
  });

  it('GroupAdd must append groups by name or number', () => {
    expect(resolveUser('app', passwd, group, ['staff', '777'])).toEqual({
      uid: 1000,
      gid: 1000,
      additionalGids: [1000, 29, 44, 50, 777],
    });
  });

  it('a user name not in passwd must fail with ENGINE_USER_NOT_FOUND in Docker words', () => {
    expect(() => resolveUser('ghost', passwd, group)).toThrowError(
      expect.objectContaining({
        code: 'ENGINE_USER_NOT_FOUND',
        kind: 'invalid',
        message: 'unable to find user ghost: no matching entries in passwd file',
      }),
    );
  });

  it('a user name must fail when the image has no passwd file', () => {
    expect(() => resolveUser('app')).toThrowError(expect.objectContaining({ code: 'ENGINE_USER_NOT_FOUND' }));
  });

  it('a group name not in group must fail with ENGINE_GROUP_NOT_FOUND', () => {
    expect(() => resolveUser('app:ghosts', passwd, group)).toThrowError(
      expect.objectContaining({
        code: 'ENGINE_GROUP_NOT_FOUND',
        message: 'unable to find group ghosts: no matching entries in group file',
      }),
    );
  });

  it('an id beyond 2^31-1 must be rejected', () => {
    expect(() => resolveUser('4294967296')).toThrowError(expect.objectContaining({ code: 'ENGINE_ID_OUT_OF_RANGE' }));
  });
});
