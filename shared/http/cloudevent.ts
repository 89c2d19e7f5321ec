// A CloudEvent from an HTTP request as Eventarc and Cloud Scheduler deliver it: binary mode (ce-* headers, the body
// is the data) or structured mode (application/cloudevents+json); validated by zod.
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { FraudflowError } from '../errors.ts';
import { issueLines } from '../schema/issues.ts';

const Context = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(1024),
  source: z.string().min(1).max(4096),
  type: z.string().min(1).max(1024),
  subject: z.string().max(4096).optional(),
  time: z.string().max(64).optional(),
});

export type CloudEventOf<T = unknown> = z.infer<typeof Context> & { readonly data: T };

const Structured = Context.extend({ data: z.unknown().optional() });

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function cloudEventOf(headers: IncomingHttpHeaders, json: unknown): CloudEventOf {
  const binary = header(headers, 'ce-specversion') !== undefined;
  const context = binary
    ? Context.safeParse({
        specversion: header(headers, 'ce-specversion'),
        id: header(headers, 'ce-id'),
        source: header(headers, 'ce-source'),
        type: header(headers, 'ce-type'),
        subject: header(headers, 'ce-subject'),
        time: header(headers, 'ce-time'),
      })
    : Structured.safeParse(json);
  if (!context.success)
    throw new FraudflowError(
      'INPUT_INVALID',
      `not a CloudEvent (binary ce-* headers or a structured body): ${issueLines(context.error, '').join('; ')}`,
    );
  return binary ? { ...context.data, data: json } : { ...context.data, data: (json as { data?: unknown }).data };
}
