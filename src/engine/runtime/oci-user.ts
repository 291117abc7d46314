// Resolves Docker's `User` ("name", "uid", "name:group", "uid:gid") against the image's /etc/passwd and
// /etc/group, as moby does with moby/sys/user GetExecUser: numeric ids need no entry, names must have one, and a
// user given without a group gets the groups that list it by name as supplementary groups. Pure.
import { EngineError } from '../errors.js';

/** The ids a process runs with. `additionalGids` starts with `gid`, as moby has done since CVE-2023-25173. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;

/**
 * `passwd` and `group` are the files' contents, or undefined when the image has none (then only numeric ids
 * work). `groupAdd` is HostConfig.GroupAdd: group names or numbers added after the user's own groups.
 */
export function resolveUser(
  user: string,
  passwd?: string,
  group?: string,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  const [userArg = '', groupArg = ''] = user.split(':', 2);
  const uidArg = parseId(userArg);
  const users = parsePasswd(passwd);
  const matched =
    userArg === ''
      ? users.find((u) => u.uid === 0)
      : users.find((u) => (uidArg !== undefined ? u.uid === uidArg : u.name === userArg));
  let uid = 0;
  let gid = 0;
  if (matched) {
    uid = matched.uid;
    gid = matched.gid;
  } else if (userArg !== '') {
    if (uidArg === undefined) {
      throw new EngineError(
        'invalid',
        'ENGINE_USER_NOT_FOUND',
        `unable to find user ${userArg}: no matching entries in passwd file`,
        {
          hint: 'use a numeric uid, or a user that exists in the image',
        },
      );
    }
    uid = uidArg;
  }
  const groups = parseGroup(group);
  let supplementary: number[] = [];
  if (groupArg !== '') {
    gid = findGroup(groupArg, groups);
  } else if (matched) {
    supplementary = groups.filter((g) => g.members.includes(matched.name)).map((g) => g.gid);
  }
  const added = groupAdd.map((g) => findGroup(g, groups));
  return { uid, gid, additionalGids: [gid, ...supplementary, ...added] };
}

function findGroup(arg: string, groups: readonly GroupEntry[]): number {
  const gidArg = parseId(arg);
  const found = groups.find((g) => (gidArg !== undefined ? g.gid === gidArg : g.name === arg));
  if (found) return found.gid;
  if (gidArg !== undefined) return gidArg;
  throw new EngineError(
    'invalid',
    'ENGINE_GROUP_NOT_FOUND',
    `unable to find group ${arg}: no matching entries in group file`,
    {
      hint: 'use a numeric gid, or a group that exists in the image',
    },
  );
}

function parseId(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  if (n > MAX_ID)
    throw new EngineError('invalid', 'ENGINE_ID_OUT_OF_RANGE', `uid/gid "${s}" is out of range (0 to ${MAX_ID})`);
  return n;
}

// Lines that do not parse are skipped, as libc and moby do; "+" / "-" NIS lines included.
function parsePasswd(text: string | undefined): PasswdEntry[] {
  return lines(text).flatMap((f) => {
    const uid = num(f[2]);
    const gid = num(f[3]);
    return f[0] && uid !== undefined && gid !== undefined ? [{ name: f[0], uid, gid }] : [];
  });
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return lines(text).flatMap((f) => {
    const gid = num(f[2]);
    if (!f[0] || gid === undefined) return [];
    return [{ name: f[0], gid, members: (f[3] ?? '').split(',').filter((m) => m !== '') }];
  });
}

function num(s: string | undefined): number | undefined {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined;
}

function lines(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}
