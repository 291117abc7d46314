// Drift as data: the lock against the same facts gathered now, one entry per difference, in a stable order
// (services by name, then image, bases, context, Dockerfile, args). `--frozen`, `lock --check` and `plan` print it.
import type { BuildPin, Drift, ImagePin, LockFile } from './model.js';

export function computeDrift(locked: LockFile, now: LockFile): Drift[] {
  const out: Drift[] = [];
  const names = [...new Set([...Object.keys(locked.services), ...Object.keys(now.services)])].sort();
  for (const service of names) {
    const l = locked.services[service];
    const n = now.services[service];
    if (l === undefined) {
      out.push({ service, kind: 'service', message: `service ${service}: not in the lock` });
      continue;
    }
    if (n === undefined) {
      out.push({ service, kind: 'service', message: `service ${service}: in the lock but not in the stack` });
      continue;
    }
    if (l.image !== undefined || n.image !== undefined) out.push(...imageDrift(service, l.image, n.image));
    if (l.build !== undefined || n.build !== undefined) out.push(...buildDrift(service, l.build, n.build));
  }
  return out;
}

/** The drift list as the lines a person reads. */
export function driftText(drift: readonly Drift[]): string {
  return drift.map((d) => `  ${d.message}\n`).join('');
}

function imageDrift(service: string, l: ImagePin | undefined, n: ImagePin | undefined): Drift[] {
  if (l === undefined || n === undefined) {
    return [
      { service, kind: 'image', message: `service ${service}: ${l ? 'no longer has' : 'has'} an image: to lock` },
    ];
  }
  if (l.ref !== n.ref) {
    return [{ service, kind: 'image', message: `service ${service}: image is ${n.ref} now, locked ${l.ref}` }];
  }
  if (l.digest !== n.digest) {
    return [
      { service, kind: 'image', message: `service ${service}: image ${n.ref} is ${n.digest} now, locked ${l.digest}` },
    ];
  }
  return [];
}

function buildDrift(service: string, l: BuildPin | undefined, n: BuildPin | undefined): Drift[] {
  if (l === undefined || n === undefined) {
    return [{ service, kind: 'service', message: `service ${service}: ${l ? 'no longer builds' : 'builds now'}` }];
  }
  const out: Drift[] = [];
  for (const ref of [...new Set([...Object.keys(l.from), ...Object.keys(n.from)])].sort()) {
    const a = l.from[ref];
    const b = n.from[ref];
    if (a === undefined)
      out.push({ service, kind: 'from', message: `service ${service}: FROM ${ref} is not in the lock` });
    else if (b === undefined)
      out.push({ service, kind: 'from', message: `service ${service}: FROM ${ref} is no longer used` });
    else if (a.digest !== b.digest) {
      out.push({
        service,
        kind: 'from',
        message: `service ${service}: FROM ${ref} is ${b.digest} now, locked ${a.digest}`,
      });
    }
  }
  for (const ref of [...new Set([...Object.keys(l.bootstrap ?? {}), ...Object.keys(n.bootstrap ?? {})])].sort()) {
    const a = l.bootstrap?.[ref];
    const b = n.bootstrap?.[ref];
    if (a?.key !== b?.key || a?.suite !== b?.suite || a?.include !== b?.include || a?.packages !== b?.packages) {
      out.push({ service, kind: 'bootstrap', message: `service ${service}: base ${ref} was made from other packages` });
    }
  }
  if (l.context !== n.context) {
    out.push({
      service,
      kind: 'context',
      message: `service ${service}: context is ${n.context} now, locked ${l.context}`,
    });
  } else if (l.contextDigest !== n.contextDigest) {
    const changed = changedFiles(l.files, n.files);
    const count = `${changed.length} file${changed.length === 1 ? '' : 's'}`;
    out.push({
      service,
      kind: 'context',
      message: `context ${l.context} changed: ${count} (${changed.slice(0, 3).join(', ')})`,
    });
  }
  if (l.dockerfile !== n.dockerfile)
    out.push({ service, kind: 'dockerfile', message: `service ${service}: Dockerfile changed` });
  for (const k of [...new Set([...Object.keys(l.args), ...Object.keys(n.args)])].sort()) {
    if (l.args[k] === n.args[k]) continue;
    const value = (v: string | undefined): string => (v === undefined ? 'unset' : `"${v}"`);
    out.push({
      service,
      kind: 'args',
      message: `service ${service}: build arg ${k} is ${value(n.args[k])} now, locked ${value(l.args[k])}`,
    });
  }
  return out;
}

/** Paths added, removed or changed between two file maps, sorted. */
export function changedFiles(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((p) => a[p] !== b[p]).sort();
}

/** Build args given on the command line (`build --build-arg`) that differ from what the lock pinned. */
export function overrideDrift(
  service: string,
  locked: Readonly<Record<string, string>>,
  given: Readonly<Record<string, string>>,
): Drift[] {
  return Object.keys(given)
    .filter((k) => k !== 'SOURCE_DATE_EPOCH' && locked[k] !== given[k])
    .sort()
    .map((k) => ({
      service,
      kind: 'args' as const,
      message: `service ${service}: build arg ${k} is "${given[k] ?? ''}" now (--build-arg), locked ${locked[k] === undefined ? 'unset' : `"${locked[k]}"`}`,
    }));
}
