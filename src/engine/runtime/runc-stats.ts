// The statistics `runc events --stats` prints (runc types/events.go), as far as berthd reads them. runc leaves
// out zero values, so every number may be absent. Values above 2^53 (an unlimited memory limit) lose precision.

export interface RuncMemoryEntry {
  limit?: number;
  usage?: number;
  max?: number;
  failcnt?: number;
}

export interface RuncBlkioEntry {
  major?: number;
  minor?: number;
  op?: string;
  value?: number;
}

/** CPU times in nanoseconds; memory in bytes; `raw` is memory.stat as keys and values. */
export interface RuncStats {
  cpu?: {
    usage?: { total?: number; percpu?: number[]; kernel?: number; user?: number };
    throttling?: { periods?: number; throttledPeriods?: number; throttledTime?: number };
  };
  memory?: {
    cache?: number;
    usage?: RuncMemoryEntry;
    swap?: RuncMemoryEntry;
    kernel?: RuncMemoryEntry;
    raw?: Record<string, number>;
  };
  pids?: { current?: number; limit?: number };
  blkio?: {
    ioServiceBytesRecursive?: RuncBlkioEntry[];
    ioServicedRecursive?: RuncBlkioEntry[];
  };
}
