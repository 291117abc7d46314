// The user's registry credentials, found as the docker CLI finds them (cli/config/configfile): in
// $DOCKER_CONFIG/config.json (default ~/.docker/config.json), by registry: a `credHelpers` entry for it, else the
// `credsStore`, else its `auths` entry. A helper is `docker-credential-<name>`, asked with `get` and the server
// address on stdin, answering {ServerURL, Username, Secret}. The engine gets them in the X-Registry-Auth header.
// Docker Hub's key is `https://index.docker.io/v1/`, as `docker login` writes it. No secret is ever printed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { DOCKER_HUB, parseImageReference } from '../spec/image-reference.js';

export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** What X-Registry-Auth carries (Docker's types/registry.AuthConfig): a password login or an identity token. */
export type RegistryAuth =
  { username: string; password: string; serveraddress: string } | { identitytoken: string; serveraddress: string };

/** The parts of the docker CLI's config.json that hold credentials. */
export interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Runs `docker-credential-<helper> get` with `server` on stdin; resolves with its stdout, or undefined: not found. */
export type CredentialHelper = (helper: string, server: string) => Promise<string | undefined>;

/** The credentials key of the registry an image comes from: `host[:port]`, or Docker Hub's URL. */
export function registryKey(image: string): string {
  const ref = parseImageReference(image);
  const domain = ref.ok ? ref.value.domain : DOCKER_HUB;
  return domain === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : domain;
}

/** The registry's name for messages: `docker.io` rather than its credentials URL. */
export function registryName(key: string): string {
  return key === DOCKER_HUB_AUTH_KEY ? DOCKER_HUB : key;
}

/**
 * The header value: URL-safe base64 of the JSON, padded, as the docker CLI's registry.EncodeAuthConfig makes it
 * (Go's base64.URLEncoding). Older engines (dockerd 20.10) decode with padding only and would go anonymous.
 */
export function encodeRegistryAuth(auth: RegistryAuth): string {
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** `auths` keys may be URLs (`https://host/v1/`): the docker CLI compares their host part (ConvertToHostname). */
function hostOf(key: string): string {
  return key.replace(/^https?:\/\//, '').split('/')[0] as string;
}

/** The `auths` entry for a registry, decoded; pure. */
export function authFromEntry(config: DockerConfig, key: string): RegistryAuth | undefined {
  const auths = config.auths ?? {};
  // Docker Hub's entry may have been written under one of its host names rather than its URL.
  const hosts = key === DOCKER_HUB_AUTH_KEY ? ['index.docker.io', 'docker.io', 'registry-1.docker.io'] : [key];
  const entry = auths[key] ?? Object.entries(auths).find(([k]) => hosts.includes(hostOf(k)))?.[1];
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: key };
  let { username, password } = entry;
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) {
      throw new BerthError('CLI_BAD_DOCKER_CONFIG', `the docker config's auths entry for ${key} is not user:password`, {
        hint: `log in again with: docker login ${registryName(key)}`,
      });
    }
    [username, password] = [plain.slice(0, colon), plain.slice(colon + 1)];
  }
  if (username === undefined || password === undefined) return undefined;
  return { username, password, serveraddress: key };
}

/** The credentials for a registry key, or undefined (anonymous). */
export async function findCredentials(
  config: DockerConfig,
  key: string,
  runHelper: CredentialHelper = runCredentialHelper,
): Promise<RegistryAuth | undefined> {
  const helper = config.credHelpers?.[key] ?? config.credHelpers?.[hostOf(key)] ?? config.credsStore;
  if (!helper) return authFromEntry(config, key);
  const out = await runHelper(helper, key);
  if (out === undefined) return undefined;
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(out) as { Username?: string; Secret?: string };
  } catch {
    throw new BerthError('CLI_CREDENTIAL_HELPER', `docker-credential-${helper} answered something that is not JSON`, {
      hint: `check the helper with: echo ${key} | docker-credential-${helper} get`,
    });
  }
  if (answer.Secret === undefined) return undefined;
  // The helper protocol marks an identity token with this user name (docker/cli credentials/native_store.go).
  if (answer.Username === '<token>') return { identitytoken: answer.Secret, serveraddress: key };
  return { username: answer.Username ?? '', password: answer.Secret, serveraddress: key };
}

/** Reads config.json from DOCKER_CONFIG or ~/.docker; a missing file means no credentials. */
export function readDockerConfig(env: Readonly<Record<string, string | undefined>>): DockerConfig {
  const dir = env.DOCKER_CONFIG ?? join(env.HOME ?? '/root', '.docker');
  const file = join(dir, 'config.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    throw new BerthError('CLI_BAD_DOCKER_CONFIG', `${file} is not valid JSON: ${(e as Error).message}`, {
      hint: 'fix or remove the file (docker login rewrites it)',
      cause: e,
    });
  }
}

/** The credentials for pulling or pushing `image`, or undefined when there are none (anonymous). */
export function registryAuthFor(
  env: Readonly<Record<string, string | undefined>>,
  image: string,
): Promise<RegistryAuth | undefined> {
  return findCredentials(readDockerConfig(env), registryKey(image), (helper, server) =>
    runCredentialHelper(helper, server, env),
  );
}

/** The X-Registry-Auth header for pulling or pushing `image`, or undefined when there are no credentials. */
export async function registryAuthHeader(
  env: Readonly<Record<string, string | undefined>>,
  image: string,
): Promise<string | undefined> {
  const auth = await registryAuthFor(env, image);
  return auth === undefined ? undefined : encodeRegistryAuth(auth);
}

/** The helper protocol's `get`: exit 0 with JSON; "credentials not found" on a failure means anonymous. */
export function runCredentialHelper(
  helper: string,
  server: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.resume();
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        new BerthError('CLI_CREDENTIAL_HELPER', `cannot run ${program}: ${e.code ?? e.message}`, {
          hint: `install ${program}, or remove "${helper}" from the docker config (credsStore/credHelpers)`,
        }),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve(out);
      // The helper's own words go to stdout; only "not found" is an answer, anything else is a failure.
      if (/credentials not found/i.test(out)) return resolve(undefined);
      reject(
        new BerthError('CLI_CREDENTIAL_HELPER', `${program} get failed for ${registryName(server)} (exit ${code})`, {
          hint: `check the helper with: echo ${server} | ${program} get`,
        }),
      );
    });
    child.stdin.end(`${server}\n`);
  });
}
