// The plan's first step: the Google APIs the config needs, enabled in one command.
import type { DeployConfig } from '../config.ts';
import type { PlanContext } from './context.ts';

export const APIS = [
  'cloudfunctions',
  'run',
  'eventarc',
  'pubsub',
  'cloudscheduler',
  'bigquery',
  'aiplatform',
  'secretmanager',
  'storage',
  'artifactregistry',
  'cloudbuild',
  'iam',
] as const;

/** The APIs a config needs: the base set, plus Managed Kafka and the VPC ones when it uses them. */
export function apisFor(c: DeployConfig): string[] {
  return [
    ...APIS,
    ...(c.kafka.provider === 'managed' ? ['managedkafka'] : []),
    ...(c.network ? ['compute'] : []),
    ...(c.network?.mode === 'connector' ? ['vpcaccess'] : []),
  ];
}

export function apiSteps({ c, add }: PlanContext): void {
  add({
    id: 'api:all',
    kind: 'api',
    resource: apisFor(c).join(', '),
    command: `gcloud services enable ${apisFor(c)
      .map((a) => `${a}.googleapis.com`)
      .join(' ')} --project=${c.project}`,
  });
}
