// The service keys the conversion reads, and why each other key is not translated. Every key a stack sets is
// either translated somewhere in this folder (TRANSLATED), or listed here with its reason, or listed with the
// generic reason, so nothing is dropped without a word.
import type { Service } from '../../spec/model.js';
import type { Untranslated } from './types.js';

const TRANSLATED = new Set([
  'name', 'image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'labels', 'annotations', 'ports',
  'expose', 'volumes', 'networks', 'depends_on', 'healthcheck', 'secrets', 'configs', 'scale', 'deploy', 'cpus',
  'mem_limit', 'mem_reservation', 'working_dir', 'user', 'hostname', 'tty', 'stdin_open', 'privileged',
  'read_only', 'cap_add', 'cap_drop', 'stop_grace_period', 'tmpfs', 'sysctls', 'extra_hosts', 'dns', 'dns_search',
  'dns_opt', 'pull_policy', 'profiles', 'restart', 'network_mode',
]); // prettier-ignore

const REASONS: Record<string, string> = {
  container_name: 'pod names are made by their workload; the Service name is the stable one',
  links: 'every service resolves by its Service name; link aliases are not made',
  external_links: 'containers outside the stack have no Service',
  logging: 'logs go to the node; log shipping is set up for the cluster, not per pod',
  ulimits: 'a pod has no per-container ulimits; they come from the container runtime of the node',
  init: 'a pod has no init process option; put an init (tini) in the image',
  pid: 'shareProcessNamespace shares between the containers of one pod only',
  ipc: 'a pod has no IPC namespace setting',
  userns_mode: 'user namespaces are set by the pod hostUsers field and the cluster',
  cgroup: 'a pod has no cgroup namespace setting',
  cgroup_parent: 'the kubelet places pods in cgroups',
  shm_size: 'a pod has no /dev/shm size; mount a memory emptyDir at /dev/shm',
  devices: 'host devices are given through a device plugin of the cluster',
  device_cgroup_rules: 'host devices are given through a device plugin of the cluster',
  gpus: 'GPUs are requested as an extended resource (e.g. nvidia.com/gpu) that the cluster names',
  security_opt: 'seccomp, AppArmor and SELinux options are securityContext fields whose profiles the nodes hold',
  oom_kill_disable: 'the kubelet decides OOM handling',
  oom_score_adj: 'the kubelet sets OOM scores from the pod QoS class',
  mem_swappiness: 'swap is a node setting',
  memswap_limit: 'swap is a node setting',
  cpu_shares: 'CPU weight follows the CPU request',
  cpu_quota: 'use deploy.resources.limits.cpus, translated as a CPU limit',
  cpu_period: 'the CFS period is a node setting',
  cpuset: 'CPU pinning is the kubelet CPU manager policy',
  cpu_count: 'a Windows setting',
  cpu_percent: 'a Windows setting',
  cpu_rt_runtime: 'real-time scheduling is not a pod setting',
  cpu_rt_period: 'real-time scheduling is not a pod setting',
  blkio_config: 'block IO weights are not a pod setting',
  storage_opt: 'ephemeral storage is limited by resources.limits.ephemeral-storage, in bytes',
  platform: 'the node architecture is chosen by a nodeSelector on kubernetes.io/arch',
  runtime: 'the runtime is a RuntimeClass of the cluster',
  isolation: 'a Windows setting',
  credential_spec: 'a Windows setting',
  stop_signal: 'the stop signal is the image STOPSIGNAL (lifecycle.stopSignal is alpha in Kubernetes 1.33)',
  domainname: 'a pod domain comes from a headless Service (subdomain), not a setting',
  mac_address: "pod MAC addresses are the network plugin's",
  volumes_from: "a pod cannot mount another pod's volumes; mount the same PersistentVolumeClaim",
  group_add: 'supplementalGroups take numeric ids; the image alone knows its group names',
  post_start: "not translated: a postStart hook runs without Compose's user and privileged options",
  pre_stop: "not translated: a preStop hook runs without Compose's user and privileged options",
  develop: 'a development setting of `berth watch`',
  attach: 'a setting of the Compose CLI',
  use_api_socket: 'a pod has no Docker socket',
  provider: 'a Compose provider service runs outside the engine',
  models: 'Compose models have no Kubernetes object',
  label_file: 'its labels are not loaded by berth',
  lifecycle: 'not translated',
};

// Values that ask for what a pod does anyway, so there is nothing to say about them.
const POD_DEFAULTS: Record<string, unknown[]> = {
  init: [false],
  stop_signal: ['SIGTERM', 'TERM'],
  oom_kill_disable: [false],
  use_api_socket: [false],
};

/** Service keys that have no translation, each with its path and reason (x-* extensions are kept out). */
export function untranslatedServiceKeys(service: Service): Untranslated[] {
  const at = `services.${service.name}`;
  const out: Untranslated[] = [];
  for (const key of Object.keys(service)) {
    if (TRANSLATED.has(key) || key.startsWith('x-')) continue;
    if (POD_DEFAULTS[key]?.includes(service[key])) continue;
    out.push({ path: `${at}.${key}`, reason: REASONS[key] ?? 'no Kubernetes equivalent' });
  }
  const restart = service.restart as string | undefined;
  if (restart !== undefined && restart !== 'always' && restart !== 'unless-stopped')
    out.push({
      path: `${at}.restart`,
      reason: `"${restart}" is not kept: a Deployment's or StatefulSet's pods always restart (restartPolicy Always)`,
    });
  if (service.network_mode !== undefined && service.network_mode !== 'host')
    out.push({
      path: `${at}.network_mode`,
      reason: `"${service.network_mode}" has no pod equivalent; the pod joins the cluster network`,
    });
  if (service.network_mode === 'host')
    out.push({ path: `${at}.network_mode`, reason: 'hostNetwork is set; NetworkPolicies do not apply to it' });
  for (const [net, opts] of Object.entries(service.networks ?? {}))
    for (const k of Object.keys(opts ?? {}))
      out.push({
        path: `${at}.networks.${net}.${k}`,
        reason:
          k === 'aliases' ? 'a pod is reached by its Service name only' : "pod addresses are the network plugin's",
      });
  return [...out, ...untranslatedDeployKeys(service)];
}

function untranslatedDeployKeys(service: Service): Untranslated[] {
  const at = `services.${service.name}.deploy`;
  const deploy = (service.deploy ?? {}) as Record<string, unknown>;
  const out: Untranslated[] = [];
  for (const [key, value] of Object.entries(deploy)) {
    if (key === 'replicas' || key === 'resources' || key === 'labels') continue;
    if (key === 'mode' && value === 'replicated') continue;
    if (key === 'endpoint_mode') continue;
    // Swarm's default policy (restart on any exit, at once, for ever) is what restartPolicy Always does.
    const restart = value as Record<string, unknown>;
    const always = Object.keys(restart).every((k) => k === 'condition') && (restart.condition ?? 'any') === 'any';
    if (key === 'restart_policy' && always) continue;
    out.push({ path: `${at}.${key}`, reason: DEPLOY_REASONS[key] ?? 'a Swarm setting with no Kubernetes equivalent' });
  }
  return out;
}

const DEPLOY_REASONS: Record<string, string> = {
  mode: 'a DaemonSet would run one pod per node; a Deployment is made instead',
  placement: "node constraints name the cluster's node labels: write a nodeSelector or affinity",
  update_config: "the Deployment's default rolling update is used",
  rollback_config: 'Kubernetes does not roll back by itself',
  restart_policy: "a Deployment's or StatefulSet's pods always restart (restartPolicy Always)",
};
