// Volume names as Docker's local driver accepts them. A name becomes a folder under <root>/volumes, so the rule
// is also what keeps a name from reaching outside that folder: no "/", no leading ".", nothing empty.
import { randomBytes } from 'node:crypto';
import { EngineError } from '../errors.js';

/** Docker's volume name rule (volume/local: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`); NAME_MAX bounds it as a folder name. */
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const NAME_MAX = 255;

/** Label Docker puts on the volumes it makes for Config.Volumes, `-v /path` and `--mount type=volume` without a source. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

export function isVolumeName(name: string): boolean {
  return VOLUME_NAME.test(name) && name.length <= NAME_MAX;
}

/** Throws Docker's message for a name the local driver refuses; `op` is the failing operation ("create"). */
export function checkVolumeName(name: string, op = 'create'): void {
  if (isVolumeName(name)) return;
  throw new EngineError(
    'invalid',
    'ENGINE_BAD_VOLUME_NAME',
    `${op} ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
  );
}

/** A name for an anonymous volume: 64 hex digits, as Docker makes them. */
export function newVolumeName(): string {
  return randomBytes(32).toString('hex');
}
