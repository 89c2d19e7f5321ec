// The plan's storage: the uploads and models buckets, the BigQuery dataset, each table (its schema a file) and its
// de-duplicating view.
import { bigQuerySchema } from '../../../shared/warehouse/bigquery/bigquery.ts';
import { TABLES } from '../../../shared/warehouse/tables.ts';
import * as cmd from '../commands.ts';
import type { PlanContext } from './context.ts';

export function bucketSteps({ c, add }: PlanContext): void {
  add({
    id: 'bucket:uploads',
    kind: 'bucket',
    resource: `gs://${c.buckets.uploads}`,
    command: cmd.bucketCommand(c, c.buckets.uploads),
  });
  add({
    id: 'bucket:models',
    kind: 'bucket',
    resource: `gs://${c.buckets.models}`,
    command: cmd.bucketCommand(c, c.buckets.models),
  });
}

export function warehouseSteps({ c, add, file }: PlanContext): void {
  add({
    id: 'dataset:warehouse',
    kind: 'dataset',
    resource: `${c.project}:${c.bigquery.dataset}`,
    command: cmd.datasetCommand(c),
  });
  for (const def of Object.values(TABLES)) {
    const schemaFile = file(`bigquery/${def.name}.schema.json`, JSON.stringify(bigQuerySchema(def), null, 2) + '\n');
    add({
      id: `table:${def.name}`,
      kind: 'table',
      resource: `${c.project}:${c.bigquery.dataset}.${def.name}`,
      command: cmd.tableCommand(c, def, schemaFile),
    });
    add({
      id: `view:${def.name}_unique`,
      kind: 'view',
      resource: `${c.project}:${c.bigquery.dataset}.${def.name}_unique`,
      command: cmd.viewCommand(c, def),
    });
  }
}
