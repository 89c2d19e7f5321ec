// The Cloud Storage "object finalized" CloudEvent data, as Eventarc delivers it (fields fraudflow reads).
import { z } from 'zod';

export const StorageObjectData = z
  .object({
    bucket: z.string().min(1),
    name: z.string().min(1),
    size: z.union([z.string(), z.number()]).optional(),
    contentType: z.string().optional(),
    generation: z.union([z.string(), z.number()]).optional(),
    /** The object's custom metadata; `fraudflow-map` maps header names as `--map` does (amount=AMT,label=FLAG). */
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type StorageObjectData = z.infer<typeof StorageObjectData>;

/** The upload's metadata key that maps header names, as `fraudflow ingest --map` does. */
export const COLUMN_MAP_METADATA = 'fraudflow-map';
