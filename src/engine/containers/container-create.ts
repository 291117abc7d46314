// Docker's POST /containers/create, in two stages: the record (name, image, configuration as given), then what
// it needs before it can start (validation, networks, volumes, folders, an empty log), saved last.
import { mkdirSync, writeFileSync } from 'node:fs';
import { EngineError } from '../errors.js';
import { logRotation } from '../runtime/log-options.js';
import { resolveSecurityOpt } from '../runtime/seccomp-host.js';
import { checkCreateName, randomName } from './container-names.js';
import type { ContainerRecord } from './container-store.js';
import { ContainerStore, newState } from './container-store.js';
import { withImageExposedPorts } from './docker-json.js';
import { validateHealthcheck } from './health-config.js';
import type { Lifecycle } from './lifecycle.js';
import { labelsOf } from './lifecycle.js';
import { normalizeNamespaceModes } from './namespaces.js';
import { validateRestartPolicy } from './restart-policy.js';

/**
 * Creates the container `request.name` (or a generated name) from `request.body`. `creating` holds the names of
 * creates under way, so two creates of one name cannot both pass the check before either is saved.
 */
export async function createContainer(
  lifecycle: Lifecycle,
  creating: Set<string>,
  request: { name: string | undefined; body: Record<string, unknown> },
): Promise<{ Id: string; Warnings: string[] }> {
  const { name, body } = request;
  const { store, images } = lifecycle.deps;
  const cleanName = checkCreateName(store, creating, name);
  const imageRef = String(body.Image ?? '');
  const image = images.resolve(imageRef);
  if (!image) throw new EngineError('not-found', 'ENGINE_NO_SUCH_IMAGE', `No such image: ${imageRef}`);
  const { HostConfig, NetworkingConfig, ...config } = body;
  const id = ContainerStore.newId();
  const record: ContainerRecord = {
    id,
    name: cleanName ?? randomName(id),
    created: new Date().toISOString(),
    image: imageRef,
    imageId: image.id,
    config,
    hostConfig: normalizeNamespaceModes({ ...((HostConfig as Record<string, unknown> | undefined) ?? {}) }, (ref) =>
      store.find(ref),
    ),
    state: newState(),
    restartCount: 0,
  };
  record.config = withImageExposedPorts(config, lifecycle.imageConfig(record));
  // The name is held from here until the record is saved: two creates with one name must not both pass the check.
  creating.add(record.name);
  try {
    return await prepareContainer(lifecycle, record, { config, networkingConfig: NetworkingConfig, imageRef });
  } finally {
    creating.delete(record.name);
  }
}

/** Validates the rest of the request, connects networks and volumes, makes the folders, then saves the record. */
async function prepareContainer(
  lifecycle: Lifecycle,
  record: ContainerRecord,
  request: { config: Record<string, unknown>; networkingConfig: unknown; imageRef: string },
): Promise<{ Id: string; Warnings: string[] }> {
  const { config, networkingConfig, imageRef } = request;
  const { store, events } = lifecycle.deps;
  const id = record.id;
  const p = lifecycle.paths(record);
  logRotation(record.hostConfig); // a bad max-size or max-file fails here, at create, as with Docker
  validateRestartPolicy(record.hostConfig);
  validateHealthcheck(config);
  const securityOpt = record.hostConfig.SecurityOpt;
  if (Array.isArray(securityOpt)) record.hostConfig.SecurityOpt = resolveSecurityOpt(securityOpt as string[]);
  await lifecycle.networks.create(record, networkingConfig);
  await lifecycle.volumes.create(record);
  for (const d of [p.rootfs, p.work]) mkdirSync(d, { recursive: true, mode: 0o700 });
  // The container's "/" takes the upper folder's mode: 0755 as in Docker, or a non-root USER can open nothing.
  mkdirSync(p.upper, { recursive: true, mode: 0o755 });
  // The log exists from create on (conmon appends to it): a client that attaches before start holds it open
  // from its first byte, so it reads everything even when the container exits and is removed at once.
  writeFileSync(p.logPath, '', { flag: 'a', mode: 0o640 });
  await store.save(record);
  events.emit('container', 'create', id, { name: record.name, image: imageRef, ...labelsOf(record) });
  return { Id: id, Warnings: [] };
}
