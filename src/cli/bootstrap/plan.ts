// What `berth image bootstrap` makes, decided on data: which Debian suite and variant a name asks for, which
// mirrors of the host's apt sources serve it, the cache key of the inputs, mmdebstrap's arguments and the image
// config. No IO here; bootstrap.ts reads the host and runs mmdebstrap.
import { createHash } from 'node:crypto';
import { BerthError } from '../../errors.js';

export const VARIANTS = ['minbase', 'apt'] as const;
export type Variant = (typeof VARIANTS)[number];

/** The label holding the cache key; an image with the same key is not made again. */
export const KEY_LABEL = 'io.berth.bootstrap.key';
/** Labels recording the inputs (suite, variant, packages asked for) and the resulting package versions. */
export const SUITE_LABEL = 'io.berth.bootstrap.suite';
export const INCLUDE_LABEL = 'io.berth.bootstrap.include';
export const VERSIONS_LABEL = 'io.berth.bootstrap.packages';

/** One source of apt: a URI, a suite, its components and its keyring (from a deb822 stanza or a one-line entry). */
export interface AptSource {
  uri: string;
  suite: string;
  components: string[];
  signedBy?: string;
}

export interface BootstrapRequest {
  ref: string;
  suite: string;
  variant: Variant;
  /** Like the official `-slim` tags: no manual pages, docs or locales (dpkg path-excludes, kept in the image). */
  slim: boolean;
  include: string[];
}

/** `debian:bookworm-slim` → suite bookworm, slim; any other name needs --suite. */
export function requestFor(
  ref: string,
  opts: { suite?: string; variant?: string; include?: readonly string[] },
): BootstrapRequest {
  const m = /^(?:docker\.io\/)?(?:library\/)?debian:([a-z]+)(-slim)?$/.exec(ref);
  const suite = opts.suite ?? m?.[1];
  if (suite === undefined) {
    throw new BerthError('BOOTSTRAP_NO_SUITE', `cannot tell which Debian suite "${ref}" is`, {
      hint: 'name it debian:<suite>[-slim] (e.g. debian:bookworm-slim) or give --suite <suite>',
    });
  }
  if (!/^[a-z][a-z0-9-]*$/.test(suite)) {
    throw new BerthError('BOOTSTRAP_BAD_SUITE', `"${suite}" is not a Debian suite name`, {
      hint: 'use a codename such as bookworm or trixie',
    });
  }
  const variant = opts.variant ?? 'minbase';
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new BerthError('BOOTSTRAP_BAD_VARIANT', `unknown variant "${variant}"`, {
      hint: `use one of: ${VARIANTS.join(', ')}`,
    });
  }
  const include = [
    ...new Set(
      (opts.include ?? [])
        .flatMap((p) => p.split(','))
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    ),
  ].sort();
  const bad = include.find((p) => !/^[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+~:-]+)?$/.test(p));
  if (bad !== undefined) {
    throw new BerthError('BOOTSTRAP_BAD_PACKAGE', `"${bad}" is not a Debian package name`, {
      hint: 'write --include name[,name...] with lowercase package names (name=version pins one)',
    });
  }
  return { ref, suite, variant: variant as Variant, slim: m?.[2] !== undefined, include };
}

/** The binary sources of apt's files: deb822 `.sources` stanzas and one-line `deb` entries. */
export function parseAptSources(files: readonly { path: string; text: string }[]): AptSource[] {
  const out: AptSource[] = [];
  for (const f of files) {
    if (f.path.endsWith('.sources')) out.push(...parseDeb822(f.text));
    else out.push(...parseOneLine(f.text));
  }
  return out;
}

function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      if (/^\s/.test(line) && last !== '') fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set((last = (m[1] as string).toLowerCase()), (m[2] as string).trim());
    }
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    if (fields.get('enabled') === 'no') continue;
    const words = (k: string): string[] => (fields.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
    for (const uri of words('uris'))
      for (const suite of words('suites'))
        out.push({ uri: trimSlash(uri), suite, components: words('components'), signedBy: fields.get('signed-by') });
  }
  return out;
}

function parseOneLine(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const signedBy = /signed-by=(\S+)/.exec(m[1] ?? '')?.[1];
    out.push({
      uri: trimSlash(m[2] as string),
      suite: m[3] as string,
      components: (m[4] ?? '').split(/\s+/).filter((w) => w !== ''),
      signedBy,
    });
  }
  return out;
}

const trimSlash = (uri: string): string => uri.replace(/\/+$/, '');

/**
 * The sources an image of `suite` uses: the host's Debian entries of the suite itself, and of `-updates` and
 * `-security` when the host has them (the official images have those too). The suite's own entry comes first.
 * When the host names no entry of that suite, its Debian mirror (one that serves some other suite with `main`,
 * under a `/debian` path) is taken for it: whether the mirror has the suite is then checked by fetching it.
 */
export function sourcesFor(all: readonly AptSource[], suite: string, mirror?: string): AptSource[] {
  if (mirror !== undefined) return [{ uri: trimSlash(mirror), suite, components: ['main'] }];
  const debian = all.filter((s) => /\/debian(-security)?$/.test(s.uri) && s.components.includes('main'));
  const own = debian.filter((s) => s.suite === suite);
  const extra = debian.filter((s) => s.suite === `${suite}-updates` || s.suite === `${suite}-security`);
  if (own.length > 0) return [own[0] as AptSource, ...extra];
  const main = debian.find((s) => s.uri.endsWith('/debian'));
  if (main === undefined) {
    throw new BerthError('BOOTSTRAP_NO_MIRROR', 'the host names no Debian mirror in its apt sources', {
      hint: 'add one to /etc/apt/sources.list.d/ (e.g. URIs: http://deb.debian.org/debian) or pass --mirror <uri>',
    });
  }
  return [{ ...main, suite, components: ['main'] }];
}

/** The `Date:` of a Release/InRelease file, as seconds since the epoch (SOURCE_DATE_EPOCH). */
export function releaseEpoch(text: string): number | undefined {
  const m = /^Date:\s*(.+)$/m.exec(text);
  const t = m ? Date.parse(m[1] as string) : NaN;
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

/**
 * The cache key: the request, the sources and the dates of their Release files. A suite's Release date changes
 * whenever a package of it does, so the same key means the same package versions.
 */
export function cacheKey(req: BootstrapRequest, sources: readonly AptSource[], epochs: readonly number[]): string {
  const inputs = { suite: req.suite, variant: req.variant, slim: req.slim, include: req.include, sources, epochs };
  return `sha256:${createHash('sha256').update(JSON.stringify(inputs)).digest('hex')}`;
}

/** The one-line sources mmdebstrap takes (and writes into the image's /etc/apt/sources.list). */
export function mirrorLines(sources: readonly AptSource[]): string[] {
  return sources.map((s) => {
    const opts = s.signedBy !== undefined && s.signedBy.startsWith('/') ? `[signed-by=${s.signedBy}] ` : '';
    return `deb ${opts}${s.uri} ${s.suite} ${s.components.join(' ')}`;
  });
}

/** dpkg path-excludes of Debian's -slim images: documentation, manual pages and translations. */
export const SLIM_EXCLUDES = [
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/info/*',
  'path-exclude=/usr/share/locale/*',
  'path-exclude=/usr/share/lintian/*',
];

/** mmdebstrap's arguments, writing a tar of the root file system to `out` and the package list to `versionsOut`. */
export function mmdebstrapArgs(
  req: BootstrapRequest,
  sources: readonly AptSource[],
  out: string,
  versionsOut: string,
  extra: { caFile?: string; hostAptOptions?: readonly string[] } = {},
): string[] {
  const args = [`--variant=${req.variant}`, '--mode=root', '--format=tar', '--quiet'];
  if (req.include.length > 0) args.push(`--include=${req.include.join(',')}`);
  for (const opt of req.slim ? SLIM_EXCLUDES : []) args.push(`--dpkgopt=${opt}`);
  // The host's trust for HTTPS mirrors (a TLS-intercepting proxy's CA is in it); used by apt, not kept.
  if (extra.caFile !== undefined) args.push(`--aptopt=Acquire::https::CaInfo "${extra.caFile}"`);
  for (const opt of extra.hostAptOptions ?? []) args.push(`--aptopt=${opt}`);
  // mmdebstrap keeps the --aptopt lines in the image; they were the host's, for this bootstrap only.
  args.push('--customize-hook=rm -f "$1"/etc/apt/apt.conf.d/99mmdebstrap');
  // As the official images: no apt lists or caches left in the layer.
  args.push(`--customize-hook=chroot "$1" dpkg-query -W -f='\${Package}=\${Version}\\n' > ${versionsOut}`);
  args.push('--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin');
  args.push(req.suite, out, ...mirrorLines(sources));
  return args;
}

/**
 * The host's apt options a bootstrap needs to reach the mirror as the host does (from `apt-config dump`): its
 * proxies, and whether it checks Release dates (off on hosts that use a dated snapshot of the archive).
 */
export function hostAptOptions(dump: string): string[] {
  const wanted = /^Acquire::(https?::Proxy|Check-Valid-Until|Check-Date) "[^"\n]*";$/;
  return dump.split('\n').filter((l) => wanted.test(l));
}

/** The image config (Docker's shape): no entrypoint, `bash` as the official image, labels with the inputs. */
export function imageConfig(
  req: BootstrapRequest,
  key: string,
  epoch: number,
  diffId: string,
  versions: readonly string[],
  architecture: string,
): Buffer {
  const created = new Date(epoch * 1000).toISOString();
  const labels: Record<string, string> = {
    [KEY_LABEL]: key,
    [SUITE_LABEL]: `${req.suite}${req.slim ? '-slim' : ''}/${req.variant}`,
    [INCLUDE_LABEL]: req.include.join(','),
    [VERSIONS_LABEL]: versions.join(' '),
  };
  return Buffer.from(
    JSON.stringify({
      architecture,
      os: 'linux',
      created,
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Cmd: ['bash'],
        Labels: labels,
      },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: `berth image bootstrap ${req.ref} (mmdebstrap ${req.suite} ${req.variant})` }],
    }),
  );
}
