// `docker history`: the config's history, newest first, in the Docker Engine API's shape (/images/{name}/history).
import type { Digest } from '../content/digest.js';
import type { HistoryEntry } from './image-config.js';
import type { ImageRecord } from './image-index.js';

/** One row of docker history. Only the newest row carries the image ID and tags; older ones are `<missing>`. */
export interface HistoryItem {
  Id: string;
  Created: number; // unix seconds
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export function imageHistory(record: ImageRecord, layerSize: (chainId: Digest) => number): HistoryItem[] {
  const history: HistoryEntry[] = record.config.history ?? record.chainIds.map(() => ({ created: record.created }));
  let layer = 0;
  const items = history.map((entry): HistoryItem => {
    const chainId = entry.empty_layer === true ? undefined : record.chainIds[layer++];
    const created = entry.created === undefined ? NaN : Date.parse(entry.created);
    return {
      Id: '<missing>',
      Created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
      CreatedBy: entry.created_by ?? '',
      Tags: null,
      Size: chainId === undefined ? 0 : layerSize(chainId),
      Comment: entry.comment ?? '',
    };
  });
  items.reverse();
  const newest = items[0];
  if (newest !== undefined) {
    newest.Id = record.id;
    newest.Tags = record.repoTags.length > 0 ? [...record.repoTags] : null;
  }
  return items;
}
