// Opens an upload as a byte stream: gzip (by its magic bytes, whatever its name) verified whole before any byte is handed on.
import { createGunzip, type Gunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { FraudflowError } from '../errors.ts';

export interface SourceOptions {
  /** A compressed file that inflates to more than this is refused (gzip bombs). */
  readonly maxDecompressedBytes: number;
}

/** What happened to the bytes of one file; filled in as it is read, so a failure can report how far it got. */
export interface SourceStats {
  compressed: boolean;
  /** Bytes inflated during the verification pass of a compressed file. */
  verifiedBytes: number;
}

/**
 * The bytes of the file, gunzipped when it is gzip. A compressed file is read twice: once to check it whole
 * (CRC, length, size cap), then again to hand its bytes on; so a truncated, corrupt or oversized .gz produces
 * nothing at all. Every source opened is closed on every path (the caller stopping early included).
 */
export async function* openDecompressed(
  open: () => Promise<AsyncIterable<Buffer>>,
  name: string,
  options: SourceOptions,
  stats: SourceStats = { compressed: false, verifiedBytes: 0 },
): AsyncGenerator<Buffer> {
  const first = await sniff(await open());
  if (first === null) return;
  if (!first.gzip) {
    yield* first.bytes;
    return;
  }
  stats.compressed = true;
  try {
    for await (const chunk of gunzipped(first.bytes, name, options.maxDecompressedBytes))
      stats.verifiedBytes += chunk.length;
  } finally {
    await first.bytes.return(undefined);
  }
  const again = await sniff(await open());
  if (again === null || !again.gzip) {
    await again?.bytes.return(undefined);
    throw new FraudflowError('FILE_UNREADABLE', `${name}: the file changed while it was being read`, { file: name });
  }
  yield* gunzipped(again.bytes, name, options.maxDecompressedBytes);
}

interface Sniffed {
  readonly gzip: boolean;
  /** The whole stream again, first bytes included; closing it closes the source. */
  readonly bytes: AsyncGenerator<Buffer>;
}

/** Reads enough to see the gzip magic bytes; null (source closed) for an empty file. */
async function sniff(input: AsyncIterable<Buffer>): Promise<Sniffed | null> {
  const it = input[Symbol.asyncIterator]();
  let head: Buffer | null = null;
  try {
    for (let next = await it.next(); !next.done; next = await it.next()) {
      head = head ? Buffer.concat([head, next.value]) : next.value;
      if (head.length >= 2) break;
    }
  } catch (e) {
    await closeQuietly(it);
    throw e;
  }
  if (head === null) {
    await closeQuietly(it);
    return null;
  }
  const first = head;
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield first;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    } finally {
      await closeQuietly(it);
    }
  }
  return { gzip: first[0] === 0x1f && first[1] === 0x8b, bytes: all() };
}

async function* gunzipped(compressed: AsyncGenerator<Buffer>, name: string, maxBytes: number): AsyncGenerator<Buffer> {
  const from = Readable.from(compressed);
  const gunzip: Gunzip = from.pipe(createGunzip({ chunkSize: 1 << 20 }));
  from.on('error', (e) => gunzip.destroy(e));
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new FraudflowError(
          'PAYLOAD_TOO_LARGE',
          `${name}: inflates to more than ${maxBytes} bytes (FRAUDFLOW_MAX_DECOMPRESSED_BYTES); nothing was produced`,
          { file: name, max_decompressed_bytes: maxBytes },
        );
      }
      yield chunk;
    }
  } catch (e) {
    if (e instanceof FraudflowError) throw e;
    throw new FraudflowError(
      'FILE_UNREADABLE',
      `${name}: corrupt or truncated gzip stream (${(e as Error).message}); nothing was produced`,
      { file: name },
      { cause: e },
    );
  } finally {
    gunzip.destroy();
    from.destroy();
    await compressed.return(undefined);
  }
}

async function closeQuietly(it: AsyncIterator<unknown>): Promise<void> {
  await it.return?.(undefined)?.catch(() => undefined);
}
