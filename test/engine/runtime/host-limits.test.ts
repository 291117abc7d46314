// Reading what berthd may give a container: hard rlimits and bounding capabilities.
import { describe, expect, it } from 'vitest';
import {
  capabilitiesOfMask,
  parseLimits,
  readBoundingCapabilities,
  readHardLimits,
} from '../../../src/engine/runtime/host-limits.js';
import { RLIM_INFINITY } from '../../../src/engine/runtime/oci-types.js';

const limits = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max stack size            8388608              unlimited            bytes
Max processes             96365                96365                processes
Max open files            20000                20000                files
Max nice priority         0                    0
`;

describe('host limits', () => {
  it('parseLimits must key hard limits by OCI type, with RLIM_INFINITY for unlimited', () => {
    expect(parseLimits(limits)).toEqual({
      RLIMIT_CPU: RLIM_INFINITY,
      RLIMIT_STACK: RLIM_INFINITY,
      RLIMIT_NPROC: 96365,
      RLIMIT_NOFILE: 20000,
      RLIMIT_NICE: 0,
    });
  });

  it('readHardLimits must read this process, including RLIMIT_NOFILE', () => {
    expect(readHardLimits().RLIMIT_NOFILE).toBeGreaterThan(0);
  });

  it('capabilitiesOfMask must decode a CapBnd mask by bit', () => {
    const caps = capabilitiesOfMask('000001fffeffffff'); // every capability up to 40 but CAP_SYS_RESOURCE (24)
    expect(caps).toHaveLength(40);
    expect(caps).not.toContain('CAP_SYS_RESOURCE');
    expect(capabilitiesOfMask('0000000000000021')).toEqual(['CAP_CHOWN', 'CAP_KILL']);
    expect(readBoundingCapabilities()).toContain('CAP_CHOWN');
  });
});
