// Reading a request body under a byte cap: refuses a declared length over it before reading, stops reading past it.
import type { IncomingMessage } from 'node:http';
import { FraudflowError } from '../errors.ts';

/** The declared Content-Length, undefined when there is none (chunked), NaN when it is not a length. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const h = req.headers['content-length'];
  if (h === undefined) return undefined;
  return /^\d{1,15}$/.test(h) ? Number(h) : Number.NaN;
}

export function tooLarge(limit: number, declared?: number): FraudflowError {
  return new FraudflowError(
    'PAYLOAD_TOO_LARGE',
    declared === undefined
      ? `the body is over the limit of ${limit} bytes`
      : `the body is ${declared} bytes; the limit is ${limit}`,
    { limit },
  );
}

/**
 * The whole body, held in memory only up to `limit` bytes: the moment a chunk takes it past the limit the reader
 * lets go of what it holds and rejects, so a chunked body of any size costs at most `limit` bytes.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        chunks.length = 0;
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (e: Error): void => {
      done();
      reject(new FraudflowError('INPUT_INVALID', 'the request body could not be read', {}, { cause: e }));
    };
    const onClose = (): void => {
      if (req.complete) return;
      done();
      reject(new FraudflowError('INPUT_INVALID', 'the client closed the request before its body ended'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
