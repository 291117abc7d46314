// An image in the Docker Engine API's shapes: the summary GET /images/json lists and what inspect shows.
import type { ImageRecord } from './image-index.js';

/** GET /images/json's entry for one image. */
export function imageSummaryJson(i: ImageRecord): unknown {
  return {
    Id: i.id,
    ParentId: i.parent ?? '',
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Created: Math.floor(Date.parse(i.created) / 1000),
    Size: i.size,
    SharedSize: -1,
    VirtualSize: i.size,
    Labels: (i.config.config?.Labels as Record<string, string> | undefined) ?? {},
    Containers: -1,
  };
}

/** GET /images/{name}/json for one image. */
export function inspectImageJson(i: ImageRecord): unknown {
  const c = i.config;
  return {
    Id: i.id,
    RepoTags: i.repoTags,
    RepoDigests: i.repoDigests,
    Parent: i.parent ?? '',
    Comment: '',
    Created: i.created,
    DockerVersion: '',
    Author: (c as { author?: string }).author ?? '',
    Config: c.config ?? {},
    Architecture: c.architecture,
    Os: c.os,
    Size: i.size,
    VirtualSize: i.size,
    GraphDriver: { Name: 'overlay2', Data: {} },
    RootFS: { Type: 'layers', Layers: c.rootfs?.diff_ids ?? [] },
    Metadata: { LastTagTime: i.lastTagTime ?? '0001-01-01T00:00:00Z' },
  };
}
