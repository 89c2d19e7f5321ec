// The push path end to end on this machine: the Pub/Sub emulator pushes each message to score-stream-push served by
// functions-framework; every transaction gets its verdict once, a 5xx is redelivered, a bad message is dead-lettered
// and acknowledged, and event -> verdict latency stays under a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../shared/topics.ts';
import { DeadLetter } from '../../shared/schema/dead-letter.ts';
import { KAFKA_ATTRIBUTES } from '../../shared/schema/pubsub-push.ts';
import { pubsubAvailable } from '../helpers/pubsub.ts';
import { pushLatencies, quantile, startPushPath, type PushPath } from '../helpers/push-path.ts';
import { waitFor } from '../helpers/wait.ts';

const run = await pubsubAvailable('score-stream push');
let path: PushPath;

beforeAll(async () => {
  if (run) path = await startPushPath({ promoted: false });
}, 120_000);
afterAll(async () => {
  await path?.close();
});

const lines = (out: string, message: string) =>
  out.split('\n').filter((l) => l.startsWith('{') && l.includes(`"message":"${message}"`)).length;

async function dlqRecords(): Promise<DeadLetter[]> {
  const info = await path.log.describeTopic(TOPICS.transactionsDlq);
  const total = info.partitions.reduce((n, p) => n + p.highWatermark, 0);
  if (total === 0) return [];
  const c = await path.log.consumer(`dlq-${Date.now()}`, TOPICS.transactionsDlq);
  try {
    const out: DeadLetter[] = [];
    while (out.length < total) {
      const got = await c.poll({ maxRecords: 100, maxWaitMs: 200 });
      if (got.length === 0) break;
      out.push(...got.map((r) => DeadLetter.parse(JSON.parse(r.value.toString()))));
    }
    return out;
  } finally {
    await c.close();
  }
}

describe.skipIf(!run)('score-stream-push through the Pub/Sub emulator', () => {
  it('redelivers a transaction the function answered 5xx (no champion yet), and its one verdict follows the fix', async () => {
    const id = await path.publish(1999);
    await waitFor(
      () => lines(path.fn.output(), 'request failed') > 0,
      `a failed delivery (${path.fn.output().slice(-600)})`,
      30_000,
      50,
    );
    expect(path.verdicts.size).toBe(0);
    await path.promote();
    await path.readVerdicts(() => path.verdicts.has(id), 30_000);
    expect(path.verdicts.get(id)?.count).toBe(1);
  }, 60_000);

  it('gives each of 200 pushed transactions one verdict, with event -> verdict p99 under 1 s', async () => {
    await path.resubscribe();
    const N = 200;
    const latencies = await pushLatencies(path, N, 50);
    const ids = [...path.sent.keys()].slice(-N);
    for (const id of ids) {
      const v = path.verdicts.get(id)!;
      expect(v.count).toBe(1);
      expect(v.ids.size).toBe(1);
    }
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    process.stdout.write(`[score-stream push] event -> verdict, ${N} at 50/s: p50 ${p50} ms, p99 ${p99} ms\n`);
    expect(p99).toBeLessThan(1000);
  }, 120_000);

  it('dead-letters a message that is no transaction once and acknowledges it, so it is not pushed again', async () => {
    await path.publishData(Buffer.from('{"not": "an envelope"'), {
      [KAFKA_ATTRIBUTES.topic]: TOPICS.transactions,
      [KAFKA_ATTRIBUTES.partition]: '3',
      [KAFKA_ATTRIBUTES.offset]: '41',
    });
    const letters = await waitFor(async () => {
      const got = await dlqRecords();
      return got.length > 0 ? got : undefined;
    }, 'the dead letter');
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ file: 'transactions[3]', line: 42, raw: '{"not": "an envelope"' });
    expect(letters[0]!.reasons[0]).toMatch(/^score-stream: not JSON/);
    // A later message's verdict has come and gone through the same subscription: the bad one was acked, not retried.
    const after = await path.publish(1500);
    await path.readVerdicts(() => path.verdicts.has(after), 30_000);
    expect(path.verdicts.has(after)).toBe(true);
    expect(lines(path.fn.output(), 'score-stream: messages dead-lettered')).toBe(1);
    expect(await dlqRecords()).toHaveLength(1);
  }, 60_000);

  it('answers a body that is no Pub/Sub delivery with a JSON 400 and scores nothing', async () => {
    const res = await fetch(path.fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { data: '***', messageId: '' } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; error: string };
    expect(body.code).toBe('INPUT_INVALID');
    expect(body.error).toMatch(/not a Pub\/Sub push delivery/);
    expect(body.error).not.toMatch(/\/work|\/tmp|at .*\.ts/);
  });

  it('scores a delivery that came twice (an ack lost) into two records of one verdict id', async () => {
    const { Class: _c, ...payload } = {
      Class: 0,
      Time: 10,
      Amount: 5,
      ...Object.fromEntries([...Array(28)].map((_, i) => [`V${i + 1}`, 0.1])),
    };
    const envelope = {
      id: 'ab'.repeat(16),
      schema: { name: 'kaggle', version: 1 },
      source: { file: 'twice', line: 1 },
      ingested_at: new Date().toISOString(),
      payload,
    };
    const push = {
      message: { data: Buffer.from(JSON.stringify(envelope)).toString('base64'), messageId: 'twice-1', attributes: {} },
      subscription: 'projects/fraudflow-test/subscriptions/direct',
    };
    // Eventarc's shape the second time: a binary CloudEvent around the same body.
    const first = await fetch(path.fn.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(push),
    });
    const second = await fetch(path.fn.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'twice-1',
        'ce-source': '//pubsub.googleapis.com/projects/fraudflow-test/topics/direct',
        'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      },
      body: JSON.stringify(push),
    });
    expect([first.status, second.status]).toEqual([204, 204]);
    await path.readVerdicts(() => (path.verdicts.get(envelope.id)?.count ?? 0) >= 2, 30_000);
    expect(path.verdicts.get(envelope.id)).toMatchObject({ count: 2 });
    expect(path.verdicts.get(envelope.id)!.ids.size).toBe(1);
  });
});
