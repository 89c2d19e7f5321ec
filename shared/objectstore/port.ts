// The object store port: named blobs read as streams (uploads, model versions).
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly updated: Date;
}

export interface ObjectStore {
  readonly kind: string;
  /** Human-readable address of a key, e.g. a path or gs://bucket/key. */
  uri(key: string): string;
  read(key: string): Promise<AsyncIterable<Buffer>>;
  readAll(key: string): Promise<Buffer>;
  write(key: string, data: Buffer | string): Promise<void>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<ObjectInfo[]>;
}
