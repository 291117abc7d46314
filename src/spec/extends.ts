// `extends`: a service starts from another service (of the same file or of another file), chained, with the
// extending service merged over it by the same rules as stack files. Paths of a service from another file are
// relative to that file's folder.
import { posix } from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Lookup } from './interpolate.js';
import type { LoadSession } from './load-file.js';
import { loadFile } from './load-file.js';
import { mergeTrees } from './merge.js';
import { absolutizeService, resolvePath } from './paths.js';
import type { Tree, TreeMap } from './tree.js';
import { copyChildPos, copySelfPos, isMap, locate, newMap } from './tree.js';

interface FileServices {
  file: string;
  services: TreeMap;
}

/** Resolves every `extends` of one file's services; returns the file with `extends` gone. */
export function applyExtends(session: LoadSession, doc: TreeMap, file: string, lookup: Lookup): TreeMap {
  const services = doc.services;
  if (!isMap(services)) return doc;
  const cache = new Map<string, FileServices | undefined>();
  const resolved = newMap();
  copySelfPos(services, resolved);
  for (const name of Object.keys(services)) {
    const svc = resolveService(session, { file, services }, name, { lookup, cache, chain: [`${file}#${name}`] });
    resolved[name] = svc ?? (services[name] as Tree);
    copyChildPos(services, name, resolved, name);
  }
  const out = newMap();
  copySelfPos(doc, out);
  for (const k of Object.keys(doc)) {
    out[k] = k === 'services' ? resolved : (doc[k] as Tree);
    copyChildPos(doc, k, out, k);
  }
  return out;
}

interface Walk {
  lookup: Lookup;
  cache: Map<string, FileServices | undefined>;
  chain: string[];
}

function resolveService(session: LoadSession, from: FileServices, name: string, walk: Walk): Tree | undefined {
  const svc = from.services[name];
  if (!isMap(svc) || !('extends' in svc)) return svc;
  const ext = svc.extends as Tree;
  const target = typeof ext === 'string' ? ext : isMap(ext) ? String(ext.service) : '';
  const otherFile =
    isMap(ext) && typeof ext.file === 'string'
      ? resolvePath(ext.file, posix.dirname(from.file), session.home)
      : undefined;
  const at = locate(from.services, [name, 'extends']);
  const fail = (d: Omit<Diagnostic, 'severity' | 'at'>): undefined => {
    session.errors.push({ ...d, severity: 'error', at: at && { ...at, path: `services.${name}.extends` } });
    return undefined;
  };
  const link = `${otherFile ?? from.file}#${target}`;
  if (walk.chain.includes(link) || (!otherFile && target === name)) {
    return fail({
      code: 'SPEC_EXTENDS_CYCLE',
      message: `extends cycle detected: ${[...walk.chain, link].map((l) => `"${l.split('#')[1]}"`).join(' -> ')}`,
      hint: 'break the cycle of extends',
    });
  }
  let base: FileServices | undefined = from;
  if (otherFile) {
    if (!walk.cache.has(otherFile)) walk.cache.set(otherFile, readServices(session, otherFile, walk.lookup));
    base = walk.cache.get(otherFile);
    if (!base) {
      return fail({
        code: 'SPEC_EXTENDS_FILE',
        message: `service "${name}" extends a service of "${otherFile}", which cannot be read or is not valid`,
        hint: 'check extends.file; it is relative to the file that declares it',
      });
    }
  }
  if (!isMap(base.services[target])) {
    return fail({
      code: 'SPEC_EXTENDS_UNKNOWN_SERVICE',
      message: `service "${name}" extends "${target}", which is not defined in ${base.file}`,
      hint: `define service "${target}" there, or fix extends.service`,
    });
  }
  const baseSvc = base.services[target] as TreeMap;
  if (typeof baseSvc.network_mode === 'string' && baseSvc.network_mode.startsWith('service:')) {
    // The extending service would share the network namespace of a service it does not know about.
    return fail({
      code: 'SPEC_EXTENDS_NETWORK_MODE',
      message: `service "${name}" cannot extend "${target}": a service with network_mode "${baseSvc.network_mode}" cannot be extended`,
      hint: `copy what "${name}" needs from "${target}" instead of extending it`,
    });
  }
  let parent = resolveService(session, base, target, { ...walk, chain: [...walk.chain, link] });
  if (parent === undefined) return undefined;
  if (otherFile) parent = absolutizeService(parent, posix.dirname(otherFile), session.home);
  const own = newMap();
  copySelfPos(svc, own);
  for (const k of Object.keys(svc)) {
    if (k === 'extends') continue;
    own[k] = svc[k] as Tree;
    copyChildPos(svc, k, own, k);
  }
  return mergeTrees(parent, own, ['services', name]);
}

function readServices(session: LoadSession, file: string, lookup: Lookup): FileServices | undefined {
  const text = session.readExtra(file);
  if (text === undefined) return undefined;
  const docs = loadFile(session, file, text, lookup);
  if (!docs) return undefined;
  let merged: Tree = newMap();
  for (const d of docs) merged = mergeTrees(merged, d);
  const services = isMap(merged) && isMap(merged.services) ? merged.services : newMap();
  return { file, services };
}
