// Builds the deploy plan from the config: every resource in dependency order, each with the idempotent command that creates it.
import { FraudflowError } from '../../shared/errors.ts';
import type { DeployConfig } from './config.ts';
import { configSeenBy } from './env.ts';
import { FUNCTIONS } from './functions.ts';
import { accountSteps, runtimeGrantSteps } from './steps/accounts.ts';
import { apiSteps } from './steps/apis.ts';
import { planContext, type PlanContext } from './steps/context.ts';
import { functionSteps, invokerSteps } from './steps/functions.ts';
import { imageSteps } from './steps/images.ts';
import { kafkaSteps } from './steps/kafka.ts';
import { connectorSteps } from './steps/network.ts';
import { pubsubSteps } from './steps/pubsub.ts';
import { scheduleSteps } from './steps/schedules.ts';
import { secretSteps } from './steps/secrets.ts';
import { bucketSteps, warehouseSteps } from './steps/storage.ts';
import { vertexAgentSteps, vertexEndpointSteps } from './steps/vertex.ts';

export { APIS, apisFor } from './steps/apis.ts';

export type StepKind =
  | 'api'
  | 'service-account'
  | 'iam'
  | 'bucket'
  | 'dataset'
  | 'table'
  | 'view'
  | 'secret'
  | 'kafka-topics'
  | 'kafka-cluster'
  | 'network'
  | 'pubsub-topic'
  | 'pubsub-subscription'
  | 'image-repository'
  | 'image'
  | 'function'
  | 'schedule'
  | 'vertex-endpoint';

export interface PlanStep {
  /** Stable and unique: `kind:name[:detail]`. */
  readonly id: string;
  readonly kind: StepKind;
  readonly resource: string;
  /** One bash line, safe to re-run: describe-then-create, create-or-update, or an idempotent add. */
  readonly command: string;
  readonly why?: string;
}

export interface Plan {
  readonly project: string;
  readonly region: string;
  readonly steps: PlanStep[];
  /** Files the commands read (BigQuery schemas, env-var files), by path relative to `filesDir`. */
  readonly files: Record<string, string>;
  /** Where the commands expect the files, as seen from the repository root (the commands run there: `--source=.`). */
  readonly filesDir: string;
}

/**
 * The steps in deploy order, as the operator reads them: APIs, identities (grants and deploys name them), storage,
 * secrets, network, Kafka, Pub/Sub topics, runtime grants (on the topics), images, functions (on the images),
 * invoker rights (per deployed service), schedules, and the Vertex AI endpoint.
 */
const DEPLOY_ORDER: ReadonlyArray<(ctx: PlanContext) => void> = [
  apiSteps,
  accountSteps,
  bucketSteps,
  warehouseSteps,
  secretSteps,
  connectorSteps,
  kafkaSteps,
  pubsubSteps,
  runtimeGrantSteps,
  vertexAgentSteps,
  imageSteps,
  functionSteps,
  invokerSteps,
  scheduleSteps,
  vertexEndpointSteps,
];

/** The plan, once every function is known to start with its deployed environment (its own config loader says so). */
export function buildPlan(c: DeployConfig, options: { filesDir?: string } = {}): Plan {
  for (const fn of FUNCTIONS) configSeenBy(c, fn); // a function that would not start fails the plan, not the deploy
  return renderPlan(c, options);
}

/** The plan's steps and files, without the start-up check (buildPlan runs it first). */
export function renderPlan(c: DeployConfig, options: { filesDir?: string } = {}): Plan {
  const filesDir = options.filesDir ?? 'deploy/out';
  const ctx = planContext(c, filesDir);
  for (const steps of DEPLOY_ORDER) steps(ctx);
  const ids = new Set(ctx.steps.map((s) => s.id));
  if (ids.size !== ctx.steps.length) throw new FraudflowError('INTERNAL', 'deploy plan: two steps share an id');
  return { project: c.project, region: c.region, steps: ctx.steps, files: ctx.files, filesDir };
}
