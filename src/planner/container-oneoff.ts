// The container of `berth run`: the service as `docker compose run` changes it (pkg/compose/run.go
// applyRunOptions and prepareRun), then the create request every replica gets. Pure: the slug (Compose's
// random 64-hex id) and the resolved image come in with the input.
import type { PortMapping, Service } from '../spec/model.js';
import { serviceConfigHash } from '../spec/config-hash.js';
import type { ContainerSpecInput, CreateRequest } from './container-spec.js';
import { containerCreateRequest } from './container-spec.js';
import { compareText } from '../compare-text.js';

/** What the command line of `run` overrides. Absent fields keep the service's value. */
export interface RunOverrides {
  /** COMMAND [ARGS...]; empty keeps the service's command. */
  command: readonly string[];
  /** --entrypoint, split like a shell; when set without a command, the service's command is cleared. */
  entrypoint?: readonly string[];
  /** -e: values replace the service's; a variable with no value was dropped by the caller (Compose RemoveEmpty). */
  environment: Readonly<Record<string, string>>;
  user?: string;
  workdir?: string;
  /** -l KEY=VALUE, added to the service's labels. */
  labels: Readonly<Record<string, string>>;
  /** -p: the ports to publish instead of the service's. */
  publish: readonly PortMapping[];
  /** --service-ports: keep the service's published ports (dropped otherwise). */
  servicePorts: boolean;
  tty: boolean;
  /** Keep stdin open and attach it (Compose's -i, on by default). */
  interactive: boolean;
  /** --rm: HostConfig.AutoRemove. */
  autoRemove: boolean;
  /** --use-aliases: the service's network aliases too, not only the container name. */
  useAliases: boolean;
}

/** The service as the one-off container runs it: overrides applied, no published ports, no restart policy. */
export function oneoffService(service: Service, o: RunOverrides): Service {
  const out: Service = { ...service };
  if (o.command.length > 0) out.command = [...o.command];
  if (o.entrypoint !== undefined) {
    out.entrypoint = [...o.entrypoint];
    if (o.command.length === 0) out.command = [];
  }
  if (o.user) out.user = o.user;
  if (o.workdir) out.working_dir = o.workdir;
  if (Object.keys(o.environment).length > 0) out.environment = { ...service.environment, ...o.environment };
  if (Object.keys(o.labels).length > 0) out.labels = { ...service.labels, ...o.labels };
  if (o.publish.length > 0) out.ports = [...o.publish];
  else if (!o.servicePorts) delete out.ports;
  delete out.container_name; // the one-off container has a name of its own
  delete out.restart;
  if (out.deploy && typeof out.deploy === 'object') {
    const { restart_policy: _dropped, ...deploy } = out.deploy as Record<string, unknown>;
    out.deploy = deploy;
  }
  out.tty = o.tty;
  out.stdin_open = o.interactive;
  return out;
}

export type OneoffInput = Omit<ContainerSpecInput, 'number' | 'configHash' | 'oneoff' | 'useNetworkAliases'> & {
  overrides: RunOverrides;
  /** com.docker.compose.slug: 64 hex digits; the default name ends with its first 12. */
  slug: string;
};

/** `${project}-${service}-run-${slug[0:12]}`, Compose's default name for a one-off container. */
export function oneoffName(project: string, service: string, slug: string): string {
  return `${project}-${service}-run-${slug.slice(0, 12)}`;
}

/**
 * The create request of a one-off container: Compose's labels with oneoff "True", container-number "1" and the
 * slug; stdin kept open and attached when interactive (StdinOnce, so that its EOF ends the process's stdin).
 */
export function oneoffCreateRequest(input: OneoffInput): CreateRequest {
  const { overrides: o, slug, ...rest } = input;
  const service = oneoffService(input.service, o);
  const req = containerCreateRequest({
    ...rest,
    service,
    number: 1,
    oneoff: true,
    useNetworkAliases: o.useAliases,
    configHash: serviceConfigHash(service),
  });
  const labels: Record<string, string> = { ...req.body.Labels, 'com.docker.compose.slug': slug };
  const body = {
    ...req.body,
    Labels: Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareText(a, b))),
  };
  if (o.interactive) Object.assign(body, { AttachStdin: true, OpenStdin: true, StdinOnce: true });
  if (o.autoRemove) body.HostConfig = { ...body.HostConfig, AutoRemove: true };
  return { ...req, body };
}
