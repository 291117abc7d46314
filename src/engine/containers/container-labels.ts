// A container's labels as its record holds them (Config.Labels), never null: what events and filters carry.
import type { ContainerRecord } from './container-store.js';

export function labelsOf(c: ContainerRecord): Record<string, string> {
  return (c.config.Labels as Record<string, string> | undefined) ?? {};
}
