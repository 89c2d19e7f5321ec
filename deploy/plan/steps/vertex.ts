// The plan's Vertex AI: the service agent's read of the models bucket (once an endpoint is configured) and the endpoint.
import * as cmd from '../commands.ts';
import type { PlanContext } from './context.ts';

export function vertexAgentSteps({ c, add }: PlanContext): void {
  if (!c.vertex.endpointId) return;
  add({
    id: 'iam:vertex-agent:roles/storage.objectViewer:bucket:models',
    kind: 'iam',
    resource: 'Vertex AI service agent: roles/storage.objectViewer on bucket:models',
    command: cmd.vertexAgentGrantCommand(c),
    why: "Vertex AI copies a published champion's files from the models bucket",
  });
}

export function vertexEndpointSteps({ c, add }: PlanContext): void {
  add({
    id: 'vertex:endpoint',
    kind: 'vertex-endpoint',
    resource: c.vertex.endpointName,
    command: cmd.vertexEndpointCommand(c),
  });
}
