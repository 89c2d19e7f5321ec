// Every function as the HTTP edge serves it, by name: importing this registers them with functions-framework too.
import type { FunctionRoute } from '../shared/http/function-route.ts';
import { ingestRoute } from './ingest/index.ts';
import { sinkRoute } from './sink/index.ts';
import { retrainRoute } from './retrain/index.ts';
import { scoreRoute } from './score/index.ts';
import { scoreStreamPushRoute, scoreStreamRoute } from './score-stream/index.ts';
import { reviewRoute } from './review/index.ts';

export const ROUTES: Readonly<Record<string, FunctionRoute>> = {
  ingest: ingestRoute,
  sink: sinkRoute,
  retrain: retrainRoute,
  score: scoreRoute,
  'score-stream': scoreStreamRoute,
  review: reviewRoute,
  'score-stream-push': scoreStreamPushRoute,
};
