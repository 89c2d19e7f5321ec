// Labelled Kaggle-format history as warehouse rows (what the sink writes), from the synthetic generator.
import { kaggleRecords } from '../../shared/synth/kaggle.ts';

export function kaggleWarehouseRows(n: number, seed: number): Array<Record<string, unknown>> {
  return [...kaggleRecords(n, seed)].map((row, i) => {
    return {
      ...row,
      id: i.toString(16).padStart(32, '0'),
      schema_name: 'kaggle',
      schema_version: 1,
      source_file: 'synth',
      source_line: i + 2,
      ingested_at: '2026-11-25T00:00:00Z',
    };
  });
}
