// The Cloud Storage "object finalized" CloudEvent data, as Eventarc delivers it (fields fraudflow reads).
import { z } from 'zod';

export const StorageObjectData = z
  .object({
    bucket: z.string().min(1),
    name: z.string().min(1),
    size: z.union([z.string(), z.number()]).optional(),
    contentType: z.string().optional(),
    generation: z.union([z.string(), z.number()]).optional(),
  })
  .loose();
export type StorageObjectData = z.infer<typeof StorageObjectData>;
