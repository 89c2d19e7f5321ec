// CloudEvents as Google's triggers deliver them (binary mode over HTTP): a storage upload, a scheduler tick through Pub/Sub.
import { randomUUID } from 'node:crypto';

export interface HttpEvent {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function storageFinalized(bucket: string, name: string, size: number): HttpEvent {
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': randomUUID(),
      'ce-time': new Date().toISOString(),
      'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${bucket}`,
      'ce-subject': `objects/${name}`,
    },
    body: JSON.stringify({
      bucket,
      name,
      size: String(size),
      contentType: name.endsWith('.gz') ? 'application/gzip' : 'text/csv',
    }),
  };
}

export function pubsubTick(topic: string): HttpEvent {
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': randomUUID(),
      'ce-time': new Date().toISOString(),
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/projects/local/topics/${topic}`,
    },
    body: JSON.stringify({
      message: {
        data: Buffer.from('{}').toString('base64'),
        messageId: randomUUID(),
        publishTime: new Date().toISOString(),
      },
      subscription: `projects/local/subscriptions/${topic}`,
    }),
  };
}
