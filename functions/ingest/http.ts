// The ingest entry as Eventarc calls it: a storage CloudEvent over HTTP in, a status it can act on out (4xx final, 5xx retry).
import type { IncomingHttpHeaders } from 'node:http';
import { FraudflowError, type ErrorCode } from '../../shared/errors.ts';
import { toWellFormed } from '../../shared/schema/envelope.ts';
import type { Logger } from '../../shared/logger.ts';
import type { IngestSummary } from './ingest.ts';

export interface HttpAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * What a caller is told, by code. Error messages can quote the file (a header line) or name server paths, so a body
 * carries only these, the object name it sent and the counts; the whole error goes to the log.
 */
const SAID: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: 'the object does not exist or is not a regular file',
  FORMAT_UNKNOWN: 'the header line is not one of a known CSV format',
  FORMAT_MISMATCH: 'the file does not match the format its header names',
  FILE_UNREADABLE: 'the file cannot be read (a corrupt or truncated gzip stream, or unreadable bytes)',
  INPUT_INVALID:
    'the event or the object is refused (not a storage object event, an empty file, a name that is not well-formed Unicode, or a link out of the bucket)',
  PAYLOAD_TOO_LARGE: 'the file inflates past the decompressed size limit',
  EVENTLOG_UNAVAILABLE: 'the event log is unavailable; a retry can succeed',
  WAREHOUSE_BUSY: 'the warehouse is busy; a retry can succeed',
  TIMEOUT: 'ingest timed out; a retry can succeed',
};

/** The event's data: the body in binary mode (ce-* headers), its `data` member in structured mode. */
export function storageEventData(headers: IncomingHttpHeaders, body: unknown): unknown {
  const type = String(headers['content-type'] ?? '');
  if (type.startsWith('application/cloudevents+json')) return (body as { data?: unknown } | null)?.data;
  return body;
}

export async function answerIngest(
  run: (data: unknown) => Promise<IngestSummary>,
  headers: IncomingHttpHeaders,
  body: unknown,
  logger: Logger,
): Promise<HttpAnswer> {
  const data = storageEventData(headers, body);
  const name = typeof (data as { name?: unknown } | null)?.name === 'string' ? (data as { name: string }).name : null;
  const object = name === null ? {} : { object: toWellFormed(name) };
  try {
    const s = await run(data);
    return {
      status: 200,
      body: {
        ...object,
        format: s.format,
        read: s.read,
        accepted: s.accepted,
        rejected: s.rejected,
        duplicates: s.duplicates,
      },
    };
  } catch (e) {
    const err = e instanceof FraudflowError ? e : new FraudflowError('INTERNAL', 'ingest failed', {}, { cause: e });
    logger.error('ingest: event failed', { ...object, error: e });
    const partial = err.details.partial as IngestSummary | undefined;
    return {
      status: err.httpStatus,
      body: {
        code: err.code,
        error: SAID[err.code] ?? 'ingest failed',
        retriable: err.retriable,
        ...object,
        ...(partial
          ? {
              partial: {
                read: partial.read,
                accepted: partial.accepted,
                rejected: partial.rejected,
                duplicates: partial.duplicates,
              },
            }
          : {}),
      },
    };
  }
}
