// Kubernetes names and labels derived from Compose names. Compose allows "[a-zA-Z0-9._-]" in service and volume
// names; most Kubernetes names are DNS labels (RFC 1123, 63 characters, lower case), and a Service's name must
// also start with a letter (RFC 1035), since it becomes the host name other pods resolve.

/** The label every object carries so `kubectl get -l app.kubernetes.io/part-of=<project>` finds the stack. */
export const PART_OF = 'app.kubernetes.io/part-of';
/** The label that selects a service's pods (the Compose service name as a DNS label). */
export const NAME = 'app.kubernetes.io/name';
export const MANAGED_BY = 'app.kubernetes.io/managed-by';
/** The prefix of the per-network pod labels that the NetworkPolicies select on. */
export const NETWORK_PREFIX = 'network.berth.io/';

/** A DNS label (RFC 1035: starts with a letter) made from any Compose name; deterministic. */
export function dnsLabel(name: string): string {
  let out = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(out)) out = `x-${out}`.replace(/-+$/, '');
  return out.slice(0, 63).replace(/-+$/, '');
}

/** A DNS subdomain (RFC 1123, dots allowed) for objects that accept one (ConfigMap, Secret, PVC). */
export function dnsSubdomain(name: string): string {
  const out = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return (out === '' ? 'x' : out).slice(0, 253);
}

/** The key of a ConfigMap or Secret entry: "[-._a-zA-Z0-9]+". */
export function dataKey(name: string): string {
  const out = name.replace(/[^-._a-zA-Z0-9]+/g, '_');
  return out === '' || out === '.' || out === '..' ? 'data' : out;
}

const LABEL_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `key` is a qualified name (an optional DNS-subdomain prefix and "/", then a 63-character name). */
export function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) return false;
  return LABEL_NAME.test(name);
}

/** Whether `value` may be a label value (empty, or 63 characters that start and end alphanumeric). */
export function isLabelValue(value: string): boolean {
  return value === '' || LABEL_NAME.test(value);
}

/** The labels every object of the project carries. */
export function projectLabels(project: string): Record<string, string> {
  return { [PART_OF]: labelValue(project), [MANAGED_BY]: 'berth' };
}

/** A label value made from a name that may not be one (project names are already DNS-like, so rarely changed). */
export function labelValue(name: string): string {
  return isLabelValue(name) ? name : dnsLabel(name);
}
