// ARG scoping as Docker has it: global ARGs (before the first FROM) are seen only by FROM lines and by an ARG of
// the same name inside a stage; a stage's ARGs are seen from their line on, overridden by --build-arg, and ENV
// wins over ARG. Build args nobody declared are reported, predefined proxy args excepted.

/** Args Docker accepts without an ARG line (proxy settings); they reach RUN but not the image history. */
export const PREDEFINED_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** The values given with --build-arg; a null value means "from the daemon's environment", which berthd does not read. */
export type GivenArgs = Readonly<Record<string, string | null>>;

/** One stage's declared args, in declaration order, with their values (undefined: declared without any value). */
export class StageArgs {
  readonly #given: GivenArgs;
  readonly #global: ReadonlyMap<string, string | undefined>;
  readonly #values = new Map<string, string | undefined>();
  readonly #used: Set<string>;

  constructor(given: GivenArgs, global: ReadonlyMap<string, string | undefined>, used: Set<string>) {
    this.#given = given;
    this.#global = global;
    this.#used = used;
  }

  /** ARG name[=default] inside the stage; `expandedDefault` is the default after substitution. */
  declare(name: string, expandedDefault: string | undefined): void {
    this.#used.add(name);
    const given = this.#given[name];
    if (typeof given === 'string') this.#values.set(name, given);
    else if (expandedDefault !== undefined) this.#values.set(name, expandedDefault);
    else this.#values.set(name, this.#global.get(name));
  }

  /** Variables for substitution: declared args with a value, then `env` ("K=V" entries) over them. */
  vars(env: readonly string[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of this.#values) if (v !== undefined) out.set(k, v);
    for (const e of env) {
      const i = e.indexOf('=');
      if (i > 0) out.set(e.slice(0, i), e.slice(i + 1));
    }
    return out;
  }

  /**
   * What RUN sees beyond the image's Env, as recorded in the step's history and cache key: declared args with a
   * value not set by ENV.
   */
  runArgs(env: readonly string[]): Array<[string, string]> {
    const envKeys = new Set(env.map((e) => e.slice(0, e.indexOf('='))));
    const out: Array<[string, string]> = [];
    for (const [k, v] of this.#values) if (v !== undefined && !envKeys.has(k)) out.push([k, v]);
    return out;
  }

  /**
   * Given proxy args no ARG declared and no ENV set: RUN sees them, but as Docker's predefined args they are the
   * machine's, not the image's, so they are left out of the history and of the cache key (a build behind a proxy
   * and one without share their cache). Declared with ARG, a proxy arg is an ordinary arg (in runArgs).
   */
  proxyArgs(env: readonly string[]): Array<[string, string]> {
    const envKeys = new Set(env.map((e) => e.slice(0, e.indexOf('='))));
    const out: Array<[string, string]> = [];
    for (const k of PREDEFINED_ARGS) {
      const v = this.#given[k];
      if (typeof v === 'string' && !envKeys.has(k) && !this.#values.has(k)) out.push([k, v]);
    }
    return out;
  }
}

/** Global ARG values: --build-arg over the ARG line's default (defaults may use earlier global args). */
export function globalArgs(
  declared: ReadonlyArray<{ name: string; default?: string }>,
  given: GivenArgs,
  expand: (word: string, vars: ReadonlyMap<string, string>) => string,
  used: Set<string>,
): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const arg of declared) {
    used.add(arg.name);
    const g = given[arg.name];
    const known = new Map([...out].filter((e): e is [string, string] => e[1] !== undefined));
    out.set(arg.name, typeof g === 'string' ? g : arg.default === undefined ? undefined : expand(arg.default, known));
  }
  return out;
}

/** Build args that no ARG declared (Docker warns: "One or more build-args [X] were not consumed"). */
export function unusedArgs(given: GivenArgs, used: ReadonlySet<string>): string[] {
  return Object.keys(given)
    .filter((k) => !used.has(k) && !PREDEFINED_ARGS.includes(k) && k !== 'SOURCE_DATE_EPOCH')
    .sort();
}
