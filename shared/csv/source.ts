// Opens an upload as a byte stream, gunzipping it when it is gzip (by its magic bytes, whatever its name).
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { FraudflowError } from '../errors.ts';

export async function* decompressed(input: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 2) {
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
  }
  if (!(head[0] === 0x1f && head[1] === 0x8b)) {
    yield* all();
    return;
  }
  const gunzip = Readable.from(all()).pipe(createGunzip({ chunkSize: 1 << 20 }));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (e) {
    throw new FraudflowError(
      'FILE_UNREADABLE',
      `${name}: corrupt gzip stream: ${(e as Error).message}`,
      { file: name },
      { cause: e },
    );
  }
}
