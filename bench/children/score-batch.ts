// Bench child: batch scoring in-process with the champion of FRAUDFLOW_DATA_DIR. Prints one JSON line of results.
import { loadConfig } from '../../shared/config.ts';
import { createRuntime } from '../../shared/runtime.ts';
import { createLogger } from '../../shared/logger.ts';
import { tfReady } from '../../shared/model/tf-backend.ts';
import { kaggleRecords } from '../../shared/synth/kaggle.ts';
import { KAGGLE_FEATURES, kaggleFeatures } from '../../shared/features/kaggle.ts';
import { scoreTransactions } from '../../shared/scoring/score.ts';
import { KaggleScoreRequest } from '../../shared/scoring/request.ts';

const n = Number(process.argv[2] ?? 200_000);
await tfReady();
const rt = createRuntime(loadConfig(), createLogger({ level: 'ERROR' }));
const txs: KaggleScoreRequest[] = [];
let i = 0;
for (const { Class: _label, ...row } of kaggleRecords(n, 11)) {
  // Objects as the scorers get them: parsed from JSON (the HTTP body, a message), not built key by key.
  txs.push(KaggleScoreRequest.parse(JSON.parse(JSON.stringify({ transaction_id: `batch-${i++}`, ...row }))));
}
const model = rt.modelEndpoint();
const width = KAGGLE_FEATURES.names.length;
await model.predict(new Float32Array(width * 1000), width); // warm-up and model load

const results: Array<{ case: string; rows: number; seconds: number }> = [];
// Features and forward pass timed apart, each the best of 3 passes (the first includes V8's compile of the network).
const rows = new Float32Array(n * width);
const best = (f: () => void) =>
  Math.min(
    ...[0, 1, 2].map(() => {
      const t0 = performance.now();
      f();
      return (performance.now() - t0) / 1000;
    }),
  );
const features = best(() => txs.forEach((tx, k) => kaggleFeatures(tx, rows, k * width)));
const predictTimes: number[] = [];
for (let k = 0; k < 3; k++) {
  const t0 = performance.now();
  const p = await model.predict(rows, width);
  if (p.scores.length !== n) throw new Error(`expected ${n} scores, got ${p.scores.length}`);
  predictTimes.push((performance.now() - t0) / 1000);
}
const predictSeconds = Math.min(...predictTimes);
results.push({ case: 'batch features: Kaggle rows to feature rows', rows: n, seconds: features });
results.push({
  case: `batch predict: champion (${(await model.manifest()).model}) forward pass, in-process`,
  rows: n,
  seconds: predictSeconds,
});
results.push({ case: 'batch features + predict', rows: n, seconds: features + predictSeconds });

const t = performance.now();
const verdicts = await scoreTransactions(
  txs,
  { model, eventLog: await rt.eventLog(), logger: rt.logger },
  { reviewRatio: 0.5, fallbackVerdict: 'review', reasons: 3, source: 'bench' },
);
if (verdicts.length !== n) throw new Error(`expected ${n} verdicts, got ${verdicts.length}`);
results.push({
  case: 'batch score: + verdicts (reasons for flagged) published to the embedded log',
  rows: n,
  seconds: (performance.now() - t) / 1000,
});
await rt.close();
process.stdout.write(JSON.stringify(results) + '\n');
