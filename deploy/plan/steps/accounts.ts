// The plan's identities and their project-level rights: service accounts first (grants and deploys name them),
// then the build grants; the runtime grants once the topics they name exist.
import { FraudflowError } from '../../../shared/errors.ts';
import * as cmd from '../commands.ts';
import type { DeployConfig } from '../config.ts';
import { FUNCTIONS } from '../functions.ts';
import { BUILD_PROJECT_GRANTS, grantsOf, INVOKER_PROJECT_GRANTS } from '../grants.ts';
import type { PlanContext } from './context.ts';

/** The build and invoker accounts, one per function, and the build account's grants. */
export function accountSteps({ c, add, member }: PlanContext): void {
  for (const [role, display] of [
    ['build', 'fraudflow builds'],
    ['invoker', 'fraudflow event delivery'],
  ] as const) {
    add({
      id: `sa:${role}`,
      kind: 'service-account',
      resource: cmd.serviceAccount(c, role),
      command: cmd.serviceAccountCommand(c, role, display),
    });
  }
  for (const fn of FUNCTIONS) {
    checkAccountId(c, fn.folder);
    add({
      id: `sa:${fn.folder}`,
      kind: 'service-account',
      resource: cmd.serviceAccount(c, fn.folder),
      command: cmd.serviceAccountCommand(c, fn.folder, `fraudflow ${fn.folder}`),
    });
  }
  for (const g of BUILD_PROJECT_GRANTS)
    add({
      id: `iam:build:${g.role}:${g.on}`,
      kind: 'iam',
      resource: `${cmd.serviceAccount(c, 'build')}: ${g.role} on ${g.on}`,
      command: cmd.grantCommand(c, member('build'), g),
      why: g.why,
    });
}

/** The Cloud Storage agent's publish right, the invoker's project grants, and each function's own grants. */
export function runtimeGrantSteps({ c, add, member }: PlanContext): void {
  // Cloud Storage publishes its object events through Pub/Sub as its own service agent.
  add({
    id: 'iam:gcs-agent:roles/pubsub.publisher:project',
    kind: 'iam',
    resource: 'Cloud Storage service agent: roles/pubsub.publisher on project',
    command: `gcloud projects add-iam-policy-binding ${c.project} --member="serviceAccount:$(gcloud storage service-agent --project=${c.project})" --role=roles/pubsub.publisher --condition=None --quiet >/dev/null`,
    why: "Eventarc storage triggers need the bucket's notifications to reach Pub/Sub",
  });
  for (const g of INVOKER_PROJECT_GRANTS)
    add({
      id: `iam:invoker:${g.role}:${g.on}`,
      kind: 'iam',
      resource: `${cmd.serviceAccount(c, 'invoker')}: ${g.role} on ${g.on}`,
      command: cmd.grantCommand(c, member('invoker'), g),
      why: g.why,
    });
  for (const fn of FUNCTIONS) {
    for (const g of grantsOf(fn, c)) {
      add({
        id: `iam:${fn.folder}:${g.role}:${g.on}`,
        kind: 'iam',
        resource: `${cmd.serviceAccount(c, fn.folder)}: ${g.role} on ${g.on}`,
        command: cmd.grantCommand(c, member(fn.folder), g),
        why: g.why,
      });
    }
  }
}

/** Service account ids are 6-30 characters. */
function checkAccountId(c: DeployConfig, role: string): void {
  const id = cmd.accountId(c, role);
  if (id.length < 6 || id.length > 30) {
    throw new FraudflowError(
      'CONFIG_INVALID',
      `deploy config: service account id "${id}" must be 6-30 characters: choose a ${id.length < 6 ? 'longer' : 'shorter'} prefix`,
      { prefix: c.prefix },
    );
  }
}
