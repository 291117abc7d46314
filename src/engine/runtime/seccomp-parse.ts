// Reads a seccomp profile file's text (Docker's format) into a SeccompProfile, checking what runc would otherwise
// reject at start with a less helpful message, or what a JS number would silently change. Pure.
import { EngineError } from '../errors.js';
import type { OciSeccompArg } from './oci-types.js';
import type { SeccompFilter, SeccompProfile, SeccompRule } from './seccomp-profile.js';

const ACTIONS = new Set([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
]);
const OPS = new Set([
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
]);

type Json = Record<string, unknown>;

/**
 * Parses profile text. `source` names it in errors (a path, or "--security-opt seccomp" for inline JSON). Throws
 * EngineError invalid ENGINE_INVALID_SECCOMP_PROFILE saying where in the profile the problem is.
 */
export function parseSeccompProfile(text: string, source: string): SeccompProfile {
  const fail = (where: string, why: string): never => {
    throw new EngineError('invalid', 'ENGINE_INVALID_SECCOMP_PROFILE', `seccomp profile ${source}: ${where}${why}`, {
      hint: 'a profile is JSON in Docker\'s format: {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [...]}',
    });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail('', `is not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) return fail('', 'is not a JSON object');
  const defaultAction = optString(raw, 'defaultAction', '', fail) ?? '';
  if (defaultAction !== '' && !ACTIONS.has(defaultAction)) fail('defaultAction: ', `unknown action "${defaultAction}"`);
  const profile: SeccompProfile = { defaultAction, syscalls: [] };
  const errno = optErrno(raw, 'defaultErrnoRet', '', fail);
  if (errno !== undefined) profile.defaultErrnoRet = errno;
  const architectures = optStrings(raw, 'architectures', '', fail);
  if (architectures) profile.architectures = architectures;
  if (raw.archMap !== undefined && raw.archMap !== null) {
    if (!Array.isArray(raw.archMap)) fail('archMap: ', 'must be a list');
    if (architectures && architectures.length > 0 && (raw.archMap as unknown[]).length > 0)
      fail('', "sets both 'architectures' and 'archMap'; use one of them");
    profile.archMap = (raw.archMap as unknown[]).map((a, i) => {
      const at = `archMap[${i}].`;
      if (!isObject(a)) return fail(at.slice(0, -1), ' must be a mapping');
      const architecture = optString(a, 'architecture', at, fail);
      if (!architecture) return fail(at, 'architecture is missing');
      return { architecture, subArchitectures: optStrings(a, 'subArchitectures', at, fail) ?? [] };
    });
  }
  const flags = optStrings(raw, 'flags', '', fail);
  if (flags) profile.flags = flags;
  if (raw.syscalls !== undefined && raw.syscalls !== null) {
    if (!Array.isArray(raw.syscalls)) fail('syscalls: ', 'must be a list');
    profile.syscalls = (raw.syscalls as unknown[]).map((r, i) => parseRule(r, `syscalls[${i}].`, fail));
  }
  return profile;
}

type Fail = (where: string, why: string) => never;

function parseRule(raw: unknown, at: string, fail: Fail): SeccompRule {
  if (!isObject(raw)) return fail(at.slice(0, -1), ' must be a mapping');
  const name = optString(raw, 'name', at, fail);
  const names = optStrings(raw, 'names', at, fail);
  if (name && names && names.length > 0) fail(at, "sets both 'name' and 'names'; use one of them");
  const action = optString(raw, 'action', at, fail);
  if (!action || !ACTIONS.has(action)) fail(`${at}action: `, action ? `unknown action "${action}"` : 'is missing');
  const rule: SeccompRule = { action: action as string, ...(name ? { name } : { names: names ?? [] }) };
  const errnoRet = optErrno(raw, 'errnoRet', at, fail);
  if (errnoRet !== undefined) rule.errnoRet = errnoRet;
  if (raw.args !== undefined && raw.args !== null) {
    if (!Array.isArray(raw.args)) fail(`${at}args: `, 'must be a list');
    rule.args = (raw.args as unknown[]).map((a, i) => parseArg(a, `${at}args[${i}].`, fail));
  }
  rule.includes = parseFilter(raw.includes, `${at}includes.`, fail);
  rule.excludes = parseFilter(raw.excludes, `${at}excludes.`, fail);
  return rule;
}

function parseArg(raw: unknown, at: string, fail: Fail): OciSeccompArg {
  if (!isObject(raw)) return fail(at.slice(0, -1), ' must be a mapping');
  const op = optString(raw, 'op', at, fail);
  if (!op || !OPS.has(op)) fail(`${at}op: `, op ? `unknown operator "${op}"` : 'is missing');
  const index = raw.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5)
    fail(`${at}index: `, 'must be an argument number from 0 to 5');
  const arg: OciSeccompArg = { index: index as number, value: exactNumber(raw, 'value', at, fail) ?? 0, op: op! };
  const valueTwo = exactNumber(raw, 'valueTwo', at, fail);
  if (valueTwo !== undefined) arg.valueTwo = valueTwo;
  return arg;
}

function parseFilter(raw: unknown, at: string, fail: Fail): SeccompFilter {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) return fail(at.slice(0, -1), ' must be a mapping');
  const filter: SeccompFilter = {};
  const caps = optStrings(raw, 'caps', at, fail);
  if (caps && caps.length > 0) filter.caps = caps;
  const arches = optStrings(raw, 'arches', at, fail);
  if (arches && arches.length > 0) filter.arches = arches;
  const minKernel = optString(raw, 'minKernel', at, fail);
  if (minKernel) {
    if (!/^\d+\.\d+$/.test(minKernel) || /^0+\.0+$/.test(minKernel))
      fail(`${at}minKernel: `, `"${minKernel}" is not a kernel version "<kernel>.<major>" such as "4.8"`);
    filter.minKernel = minKernel;
  }
  return filter;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(o: Json, key: string, at: string, fail: Fail): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(`${at}${key}: `, 'must be a string');
  return v as string;
}

function optStrings(o: Json, key: string, at: string, fail: Fail): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(`${at}${key}: `, 'must be a list of strings');
  return [...(v as string[])];
}

function optErrno(o: Json, key: string, at: string, fail: Fail): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 4095)
    fail(`${at}${key}: `, 'must be an errno number from 0 to 4095');
  return v as number;
}

// Argument values are 64-bit; above 2^53 a JS number would change the value without a word, so refuse it.
function exactNumber(o: Json, key: string, at: string, fail: Fail): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail(`${at}${key}: `, 'must be a whole number from 0 to 2^53-1 (berthd cannot hold larger values exactly)');
  return v as number;
}
