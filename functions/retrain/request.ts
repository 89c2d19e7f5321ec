// What a scheduled retrain is asked to do: the Pub/Sub CloudEvent's message, parsed at the edge (an empty `{}` means defaults).
import { z } from 'zod';
import { FraudflowError } from '../../shared/errors.ts';
import { issueLines } from '../../shared/schema/issues.ts';
import { RAW_FEATURE_VERSIONS } from '../../shared/features/raw/spec.ts';

/** Eventarc's google.cloud.pubsub.topic.v1.messagePublished data: the message, its body base64-encoded. */
export const PubSubPushData = z.object({
  message: z.object({
    data: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64')
      .optional(),
    messageId: z.string().optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

export const RetrainRequest = z
  .object({
    models: z
      .array(z.enum(['logistic-regression', 'mlp', 'gbdt']))
      .min(1)
      .optional(),
    format: z.enum(['kaggle', 'raw']).optional(),
    max_epochs: z.number().int().min(1).max(200).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31)
      .optional(),
    /** The Handbook's day windows (any of them switches to the protocol; the others default to 7 days). */
    train_days: z.number().int().min(1).max(3650).optional(),
    delay_days: z.number().int().min(0).max(3650).optional(),
    test_days: z.number().int().min(1).max(3650).optional(),
    /** The test window's last day, inclusive (UTC). */
    end: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2018-08-14')
      .optional(),
    prequential_folds: z.number().int().min(1).max(52).optional(),
    /** The raw feature spec to build: v1, v2 or v3 (default: the configured one, else the better by prequential AP). */
    features: z.enum(RAW_FEATURE_VERSIONS).optional(),
  })
  .strict();
export type RetrainRequest = z.infer<typeof RetrainRequest>;

const issues = (e: z.ZodError) => issueLines(e, '(message)').join('; ');

export function retrainRequestOf(eventData: unknown): RetrainRequest {
  const push = PubSubPushData.safeParse(eventData);
  if (!push.success)
    throw new FraudflowError('INPUT_INVALID', `retrain: not a Pub/Sub message event: ${issues(push.error)}`);
  const text = Buffer.from(push.data.message.data ?? '', 'base64')
    .toString('utf8')
    .trim();
  let body: unknown = {};
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new FraudflowError(
        'INPUT_INVALID',
        'retrain: the message body is not JSON (expected {} or {"models": [...], "format": ..., "max_epochs": ...})',
        { messageId: push.data.message.messageId },
        { cause: e },
      );
    }
  }
  const request = RetrainRequest.safeParse(body);
  if (!request.success)
    throw new FraudflowError('INPUT_INVALID', `retrain: invalid request in the message: ${issues(request.error)}`, {
      messageId: push.data.message.messageId,
    });
  return request.data;
}
