// Container names as dockerd allows them: the pattern, the checks of create and rename, and the generated
// names of containers created without one.
import { EngineError } from '../errors.js';
import type { ContainerRecord, ContainerStore } from './container-store.js';

const NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * The name a create asks for, without its leading `/` (undefined: none asked). invalid ENGINE_BAD_NAME for a
 * name outside the pattern; conflict ENGINE_NAME_IN_USE when a container has it or one being created holds it.
 */
export function checkCreateName(
  store: ContainerStore,
  creating: ReadonlySet<string>,
  name: string | undefined,
): string | undefined {
  if (name !== undefined && name !== '' && !NAME.test(name)) {
    throw new EngineError(
      'invalid',
      'ENGINE_BAD_NAME',
      `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  }
  const cleanName = name ? name.replace(/^\//, '') : undefined;
  if (cleanName && creating.has(cleanName)) {
    throw new EngineError(
      'conflict',
      'ENGINE_NAME_IN_USE',
      `Conflict. The container name "/${cleanName}" is already in use by a container being created.`,
    );
  }
  if (cleanName && store.find(cleanName)?.name === cleanName) {
    const other = store.get(cleanName);
    throw new EngineError(
      'conflict',
      'ENGINE_NAME_IN_USE',
      `Conflict. The container name "/${cleanName}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  return cleanName;
}

/** The new name of a rename, without its leading `/`; the same checks, and conflict for the current name. */
export function checkNewName(store: ContainerStore, c: ContainerRecord, newName: string): string {
  const clean = newName.replace(/^\//, '');
  if (!NAME.test(clean)) {
    throw new EngineError(
      'invalid',
      'ENGINE_BAD_NAME',
      `Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`,
    );
  }
  if (clean === c.name) {
    throw new EngineError(
      'conflict',
      'ENGINE_NAME_IN_USE',
      'Renaming a container with the same name as its current name',
    );
  }
  const other = store.all().find((o) => o.name === clean);
  if (other) {
    throw new EngineError(
      'conflict',
      'ENGINE_NAME_IN_USE',
      `Conflict. The container name "/${clean}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`,
    );
  }
  return clean;
}

const ADJECTIVES = ['brave', 'calm', 'eager', 'fond', 'keen', 'quiet', 'swift', 'tidy', 'bold', 'wise'];
const NOUNS = ['anchor', 'buoy', 'harbor', 'keel', 'mast', 'pier', 'quay', 'rudder', 'sail', 'tide'];

/** A name such as "calm_harbor_3f2a", from the container's ID. */
export function randomName(id: string): string {
  const n = Number.parseInt(id.slice(0, 8), 16);
  return `${ADJECTIVES[n % 10]}_${NOUNS[Math.floor(n / 10) % 10]}_${id.slice(8, 12)}`;
}
