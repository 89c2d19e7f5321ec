// The object store as a Cloud Storage bucket (@google-cloud/storage): uploads and model versions in the cloud.
import type { Bucket } from '@google-cloud/storage';
import type { GoogleAuth } from 'google-auth-library';
import { wrapError } from '../../errors.ts';
import type { ObjectInfo, ObjectStore } from '../port.ts';

export interface GcsOptions {
  readonly bucket: string;
  /** Keys are stored under this prefix (e.g. `models/`). */
  readonly prefix?: string;
  readonly projectId?: string;
  /** For tests and emulators: a local server speaking the Cloud Storage JSON API. */
  readonly apiEndpoint?: string;
  readonly authClient?: GoogleAuth;
}

export class GcsObjectStore implements ObjectStore {
  readonly kind = 'gcs';
  private bucketOf: Promise<Bucket> | undefined;
  private readonly prefix: string;

  constructor(private readonly options: GcsOptions) {
    this.prefix = options.prefix ?? '';
  }

  /** The client library is imported on first use: a process that never touches a bucket never loads it. */
  private bucket(): Promise<Bucket> {
    const o = this.options;
    return (this.bucketOf ??= import('@google-cloud/storage').then(({ Storage }) =>
      new Storage({
        ...(o.projectId ? { projectId: o.projectId } : {}),
        ...(o.apiEndpoint ? { apiEndpoint: o.apiEndpoint } : {}),
        ...(o.authClient ? { authClient: o.authClient as never } : {}),
      }).bucket(o.bucket),
    ));
  }

  uri(key: string): string {
    return `gs://${this.options.bucket}/${this.prefix}${key}`;
  }

  async read(key: string): Promise<AsyncIterable<Buffer>> {
    await this.mustExist(key);
    return (await this.bucket()).file(this.prefix + key).createReadStream({ validation: 'crc32c' });
  }

  async readAll(key: string): Promise<Buffer> {
    try {
      const [data] = await (await this.bucket()).file(this.prefix + key).download();
      return data;
    } catch (e) {
      throw wrapError(
        e,
        (e as { code?: number }).code === 404 ? 'NOT_FOUND' : 'INTERNAL',
        `gcs: cannot read ${this.uri(key)}`,
        { key },
      );
    }
  }

  async write(key: string, data: Buffer | string): Promise<void> {
    try {
      // One request: an object appears whole or not at all, so readers never see half a model.
      await (
        await this.bucket()
      )
        .file(this.prefix + key)
        .save(typeof data === 'string' ? Buffer.from(data) : data, { resumable: false, validation: false });
    } catch (e) {
      throw wrapError(e, 'INTERNAL', `gcs: cannot write ${this.uri(key)}`, { key }, true);
    }
  }

  async exists(key: string): Promise<boolean> {
    const [exists] = await (await this.bucket()).file(this.prefix + key).exists();
    return exists;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const [files] = await (await this.bucket()).getFiles({ prefix: this.prefix + prefix });
    return files
      .map((f) => ({
        key: f.name.slice(this.prefix.length),
        size: Number(f.metadata.size ?? 0),
        updated: new Date(String(f.metadata.updated ?? 0)),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  private async mustExist(key: string): Promise<void> {
    if (!(await this.exists(key)))
      throw wrapError(new Error('no such object'), 'NOT_FOUND', `gcs: ${this.uri(key)} does not exist`, { key });
  }
}
