// The host's trust for RUN steps: on networks where HTTPS leaves through a TLS-intercepting proxy, the host trusts
// the proxy's CA (in its system store, or in NODE_EXTRA_CA_CERTS / SSL_CERT_FILE) and a RUN that fetches
// packages must too. The CAs are combined into one bundle file that is bind-mounted read-only into the step's
// container at CA_BUNDLE_PATH, with environment variables for the common tools pointing at it. Neither the
// mount nor the variables reach the layer, the image config or a step's cache key: the trust is the machine's,
// not the image's, as Docker's proxy build args are the machine's.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the bundle appears in the RUN container: a path of berth's own, so the image's own store is not touched. */
export const CA_BUNDLE_PATH = '/run/berth/host-ca-certificates.crt';

/**
 * The variables that point the common tools at the bundle: OpenSSL and what links it (curl, wget, git, python's
 * ssl, ruby) read SSL_CERT_FILE; node adds NODE_EXTRA_CA_CERTS to its built-in CAs; python requests (pip) reads
 * REQUESTS_CA_BUNDLE; curl also CURL_CA_BUNDLE.
 */
export const CA_ENV_NAMES = ['SSL_CERT_FILE', 'NODE_EXTRA_CA_CERTS', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'];

/** The host's system bundle on Debian and Ubuntu (Fedora: /etc/pki/tls/certs/ca-bundle.crt). */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'];

/** berthd's setting: the host CA files to give RUN steps (empty: none). */
export interface HostTrust {
  caFiles: string[];
}

/**
 * The setting from berthd's environment. BERTH_BUILD_HOST_CA: unset or `auto` (the default) takes the host's
 * system bundle and the files NODE_EXTRA_CA_CERTS and SSL_CERT_FILE name; `off` takes none; otherwise a
 * colon-separated list of PEM files.
 */
export function hostTrustFromEnv(env: Readonly<Record<string, string | undefined>>): HostTrust {
  const setting = env.BERTH_BUILD_HOST_CA?.trim() ?? 'auto';
  if (setting === 'off' || setting === '0' || setting === 'false') return { caFiles: [] };
  if (setting !== 'auto' && setting !== '') return { caFiles: setting.split(':').filter(Boolean) };
  const extra = [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE].filter((f): f is string => !!f);
  return { caFiles: [...SYSTEM_BUNDLES, ...extra] };
}

/** The certificates of several PEM texts, each once, in order of first appearance (other PEM blocks dropped). */
export function combinePem(texts: readonly string[]): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const text of texts) {
    for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)) {
      const block = m[0].replace(/\r\n/g, '\n');
      const key = block.replace(/\s+/g, '');
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(block);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** The variables a RUN gets for the bundle: those the image's own Env does not set (the Dockerfile's choice wins). */
export function trustEnv(imageEnv: readonly string[]): string[] {
  const set = new Set(imageEnv.map((e) => e.slice(0, e.indexOf('='))));
  return CA_ENV_NAMES.filter((k) => !set.has(k)).map((k) => `${k}=${CA_BUNDLE_PATH}`);
}

/** What a build's RUN steps get: a bind of the bundle, or nothing when no host CA file could be read. */
export interface RunTrust {
  bind: string;
}

/** Writes the combined bundle into the build's work folder; files that do not exist or hold no certificate are skipped. */
export async function prepareHostTrust(trust: HostTrust, workDir: string): Promise<RunTrust | undefined> {
  const texts = await Promise.all(trust.caFiles.map((f) => readFile(f, 'utf8').catch(() => '')));
  const bundle = combinePem(texts);
  if (bundle === '') return undefined;
  const file = join(workDir, `host-ca-${randomBytes(6).toString('hex')}.crt`);
  await writeFile(file, bundle, { mode: 0o644 });
  return { bind: `${file}:${CA_BUNDLE_PATH}:ro` };
}
