// The bare Pub/Sub emulator round trip: publish -> push to a handler that answers 204 at once, timed per message;
// the floor under the push path's event -> verdict latency.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { emulatorClient, pushTopic } from './pubsub.ts';

export async function bareRoundTrips(n: number, rate: number): Promise<{ latencies: number[]; maxInFlight: number }> {
  const arrived = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { message: { data: string } };
      arrived.set(Buffer.from(body.message.data, 'base64').toString(), performance.now());
      inFlight--;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = emulatorClient();
  const name = `fraudflow-bare-${randomUUID().slice(0, 8)}`;
  const { port } = server.address() as { port: number };
  const pushed = await pushTopic(client, name, `http://127.0.0.1:${port}/`);
  try {
    const sent = new Map<string, number>();
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sent.set(String(i), performance.now());
      await pushed.topic.publishMessage({ data: Buffer.from(String(i)) });
    }
    const deadline = Date.now() + 60_000;
    while (arrived.size < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (arrived.size < n) throw new Error(`${n - arrived.size} of ${n} messages were not pushed`);
    return { latencies: [...sent].map(([k, at]) => arrived.get(k)! - at), maxInFlight };
  } finally {
    await pushed.remove();
    await client.close();
    await new Promise((r) => server.close(r));
  }
}
