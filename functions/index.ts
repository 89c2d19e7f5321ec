// The deployable entry module: importing it registers every function with functions-framework (ingest, sink, retrain, score, score-stream, review).
import './ingest/index.ts';
import './sink/index.ts';
import './retrain/index.ts';
import './score/index.ts';
import './score-stream/index.ts';
import './review/index.ts';
