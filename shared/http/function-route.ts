// What a function puts behind the edge: its policy and handler; CloudEvent functions share one shape.
import { FraudflowError } from '../errors.ts';
import type { CloudEventOf } from './cloudevent.ts';
import { cloudEventOf } from './cloudevent.ts';
import type { EdgePolicy, EdgeRoute } from './guard.ts';

export interface FunctionRoute extends EdgeRoute {
  readonly name: string;
}

/** Eventarc's binary mode sends application/json; a structured CloudEvent is application/cloudevents+json. */
export const CLOUDEVENT_TYPES = ['application/json', 'application/cloudevents+json'] as const;

/** A CloudEvent function: POST of an event under `maxBodyBytes`; 204 when it ran, the error's status when not. */
export function cloudEventRoute(
  name: string,
  maxBodyBytes: () => number,
  run: (event: CloudEventOf) => Promise<unknown>,
): FunctionRoute {
  return {
    name,
    policy: (): EdgePolicy => ({ methods: ['POST'], contentTypes: CLOUDEVENT_TYPES, maxBodyBytes: maxBodyBytes() }),
    handle: async (req) => {
      await run(cloudEventOf(req.headers, req.json));
      return { status: 204, body: null };
    },
  };
}

/**
 * What a function registers with functions-framework (whose loader needs the name). The edge takes the server
 * over before express handles a request, so this never runs; if it ever does, it refuses rather than trust a body
 * express read without the edge's checks.
 */
export function notBehindEdge(name: string): FraudflowError {
  return new FraudflowError('INTERNAL', `${name}: the fraudflow HTTP edge is not in front of this server`);
}
