// The containers group of the in-memory engine: each call hands over to the module of its stage (create,
// lifecycle, io, view, files, network attachments).
import type { EngineClient } from '../types.js';
import { createContainer } from './container-create.js';
import { getArchive, putArchive, statPath } from './container-files.js';
import { attachContainer, readLogs, requireRunning, waitContainer } from './container-io.js';
import { inspectContainer, listContainers, topContainer } from './container-view.js';
import * as life from './lifecycle.js';
import { connectContainer, disconnectContainer } from './network-attach.js';
import type { MemoryState } from './state.js';

export function memoryContainers(s: MemoryState): EngineClient['containers'] {
  return {
    list: async (filter) => listContainers(s, filter),
    inspect: async (ref) => inspectContainer(s, ref),
    create: async (req) => createContainer(s, req),
    start: async (ref) => life.startContainer(s, ref),
    stop: async (ref, o = {}) => life.stopContainer(s, ref, o),
    restart: async (ref) => life.restartContainer(s, ref),
    kill: async (ref, signal) => life.killContainer(s, ref, signal),
    pause: async (ref) => life.pauseContainer(s, ref, true),
    unpause: async (ref) => life.pauseContainer(s, ref, false),
    rename: async (ref, name) => life.renameContainer(s, ref, name),
    remove: (ref, o) => life.removeContainer(s, ref, o),
    wait: (ref, o) => waitContainer(s, ref, o),
    logs: (ref, o) => readLogs(s, ref, o),
    attach: async (ref, o) => attachContainer(s, ref, o),
    resize: async (ref) => requireRunning(s.container(ref)),
    top: async (ref) => {
      const c = s.container(ref);
      requireRunning(c);
      return topContainer(c);
    },
    connect: async (ref, network, endpoint) => connectContainer(s, ref, network, endpoint),
    disconnect: async (ref, network) => disconnectContainer(s, ref, network),
    statPath: async (ref, path) => statPath(s.container(ref), path),
    getArchive: async (ref, path) => getArchive(s.container(ref), path),
    putArchive: (ref, path, tar) => putArchive(s, s.container(ref), path, tar),
  };
}
