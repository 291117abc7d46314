// The host side of seccomp: berthd's default profile, read and parsed once when berthd starts (container starts
// are benchmarked, so never per start), the host's architecture and kernel version, and profile files named in
// `--security-opt seccomp=/path`, read once at create.
import { existsSync, readFileSync } from 'node:fs';
import { arch, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.js';
import { parseSeccompProfile } from './seccomp-parse.js';
import { nativeArch, parseKernelRelease } from './seccomp-profile.js';
import { parseSecurityOpt } from './oci-security.js';
import type { SeccompSettings } from './oci-security.js';

/**
 * Docker's own default profile (moby profiles/seccomp/default.json) as berth ships it in profiles/seccomp/; see the
 * README there for where it comes from and why it is not Podman's containers-common profile. Found from this
 * module up, so that it is found from src/, dist/ and from bundles (the benchmarks bundle berthd into bench/out/).
 */
export function defaultSeccompProfilePath(): string {
  const rel = join('profiles', 'seccomp', 'default.json');
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, rel)) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, rel);
}

/** Reads and parses the default profile. Throws ENGINE_NO_SECCOMP_PROFILE (unavailable) when it is missing. */
export function loadSeccompSettings(path: string = defaultSeccompProfilePath()): SeccompSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EngineError(
      'unavailable',
      'ENGINE_NO_SECCOMP_PROFILE',
      `cannot read the default seccomp profile ${path}`,
      {
        hint: 'reinstall berth (the profile ships in profiles/seccomp/), or point BERTH_SECCOMP_PROFILE at a profile file',
        cause: e,
      },
    );
  }
  return {
    defaultProfile: parseSeccompProfile(text, path),
    arch: nativeArch(arch()),
    kernel: parseKernelRelease(release()),
  };
}

/**
 * The profile file named in `seccomp=PATH`, checked and compacted, as the docker CLI and Compose inline it.
 * Throws ENGINE_INVALID_SECCOMP_PROFILE (invalid) when it cannot be read or is not a valid profile.
 */
export function readSeccompProfileFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EngineError('invalid', 'ENGINE_INVALID_SECCOMP_PROFILE', `cannot read seccomp profile ${path}`, {
      hint: 'the path is read on the engine host; check that the file exists there',
      cause: e,
    });
  }
  parseSeccompProfile(text, path);
  return JSON.stringify(JSON.parse(text));
}

/**
 * SecurityOpt as a container keeps it: checked (throws ENGINE_INVALID_SECURITY_OPT and the like for what a start
 * would refuse), with `seccomp=/path` replaced by `seccomp=<the file's JSON>`, so later starts read no file.
 */
export function resolveSecurityOpt(options: readonly string[]): string[] {
  const resolved = options.map((opt) => {
    const m = /^seccomp[=:](\/.*)$/.exec(opt);
    return m ? `seccomp=${readSeccompProfileFile(m[1] as string)}` : opt;
  });
  parseSecurityOpt(resolved);
  return resolved;
}
