// The plan's private network path to Kafka: a Serverless VPC Access connector, or Direct VPC egress per function.
import * as cmd from '../commands.ts';
import type { FunctionDescriptor } from '../functions.ts';
import type { PlanContext } from './context.ts';

export function connectorSteps({ c, add }: PlanContext): void {
  if (c.network?.mode !== 'connector') return;
  add({
    id: `network:connector:${c.network.connector!.name}`,
    kind: 'network',
    resource: `Serverless VPC Access connector ${c.network.connector!.name} on ${c.network.network}/${c.network.subnet}`,
    command: cmd.vpcConnectorCommand(c),
    why: 'the Kafka-using functions reach private addresses through it',
  });
}

/** Set after the function's deploy: a deploy may reset it. */
export function directVpcSteps({ c, add }: PlanContext, fn: FunctionDescriptor): void {
  if (c.network?.mode !== 'direct' || !fn.uses.kafka) return;
  add({
    id: `network:direct-vpc:${fn.folder}`,
    kind: 'network',
    resource: `${cmd.functionName(c, fn.folder)} -> ${c.network.network}/${c.network.subnet} (Direct VPC egress, ${c.network.egress})`,
    command: cmd.directVpcCommand(c, fn.folder),
    why: 'set on the Cloud Run service after every deploy, which may reset it',
  });
}
