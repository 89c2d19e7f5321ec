// How each function folder is deployed: entry point, trigger, and the least privileges its service account needs.
export type Trigger =
  | { kind: 'storage-finalized'; bucket: 'uploads' }
  | { kind: 'schedule'; schedule: 'sink' | 'scoreStream' | 'retrain' }
  | { kind: 'http'; public: false };

export interface Grant {
  readonly role: string;
  /** Where the role is granted: the project, or one bucket, dataset or secret. */
  readonly on: 'project' | 'bucket:uploads' | 'bucket:models' | 'dataset' | 'secret:kafka' | 'secret:api-key';
}

export interface FunctionDescriptor {
  readonly folder: string;
  readonly entryPoint: string;
  readonly trigger: Trigger;
  readonly grants: readonly Grant[];
}

const kafkaSecrets: Grant[] = [{ role: 'roles/secretmanager.secretAccessor', on: 'secret:kafka' }];

export const FUNCTIONS: readonly FunctionDescriptor[] = [
  {
    folder: 'ingest', entryPoint: 'ingest', trigger: { kind: 'storage-finalized', bucket: 'uploads' },
    grants: [{ role: 'roles/storage.objectViewer', on: 'bucket:uploads' }, { role: 'roles/eventarc.eventReceiver', on: 'project' }, ...kafkaSecrets],
  },
  {
    folder: 'sink', entryPoint: 'sink', trigger: { kind: 'schedule', schedule: 'sink' },
    grants: [{ role: 'roles/bigquery.dataEditor', on: 'dataset' }, { role: 'roles/bigquery.jobUser', on: 'project' }, ...kafkaSecrets],
  },
  {
    folder: 'retrain', entryPoint: 'retrain', trigger: { kind: 'schedule', schedule: 'retrain' },
    grants: [
      { role: 'roles/bigquery.dataViewer', on: 'dataset' }, { role: 'roles/bigquery.jobUser', on: 'project' },
      { role: 'roles/storage.objectAdmin', on: 'bucket:models' }, { role: 'roles/aiplatform.user', on: 'project' },
    ],
  },
  {
    folder: 'score', entryPoint: 'score', trigger: { kind: 'http', public: false },
    grants: [{ role: 'roles/storage.objectViewer', on: 'bucket:models' }, { role: 'roles/aiplatform.user', on: 'project' }, { role: 'roles/secretmanager.secretAccessor', on: 'secret:api-key' }, ...kafkaSecrets],
  },
  {
    folder: 'score-stream', entryPoint: 'score-stream', trigger: { kind: 'schedule', schedule: 'scoreStream' },
    grants: [{ role: 'roles/storage.objectViewer', on: 'bucket:models' }, { role: 'roles/aiplatform.user', on: 'project' }, ...kafkaSecrets],
  },
];
