// A local HTTP server answering the BigQuery REST calls fraudflow makes as BigQuery does (datasets, tables, multipart load jobs, query jobs and results), recording every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { FakeBigQueryEngine, type BqField, type BqResult } from './fake-bigquery-engine.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** JSON bodies parsed; a multipart upload as its metadata part and its data part. */
  body: unknown;
}

export interface FakeBigQuery {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Tables and views as created (the tables.insert bodies), by table id; dropped tables leave. */
  readonly tables: Map<string, Record<string, unknown>>;
  /** Runs SQL on the fake's storage directly (BigQuery dialect), for assertions. */
  sql(query: string): Promise<Array<Record<string, string | null>>>;
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
}
interface FakeJob {
  resource: Record<string, unknown>;
  result?: BqResult;
}

const error = (status: number, reason: string, message: string): Reply => ({
  status,
  body: {
    error: {
      code: status,
      message,
      errors: [{ reason, message, domain: 'global' }],
      status: reason === 'notFound' ? 'NOT_FOUND' : 'INVALID_ARGUMENT',
    },
  },
});

function multipart(contentType: string, raw: Buffer): { metadata: Record<string, unknown>; data: string } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`not multipart: ${contentType}`);
  const parts = raw
    .toString('utf8')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((p) => {
      const body = p.slice(p.indexOf('\r\n\r\n') + 4);
      return body.endsWith('\r\n') ? body.slice(0, -2) : body;
    });
  if (parts.length !== 2) throw new Error(`expected 2 multipart parts, got ${parts.length}`);
  return { metadata: JSON.parse(parts[0]!) as Record<string, unknown>, data: parts[1]! };
}

export async function startFakeBigQuery(project: string): Promise<FakeBigQuery> {
  const engine = await FakeBigQueryEngine.create();
  const requests: RecordedRequest[] = [];
  const datasets = new Set<string>();
  const tables = new Map<string, Record<string, unknown>>();
  const jobs = new Map<string, FakeJob>();
  const base = `/bigquery/v2/projects/${project}`;

  const newJob = (
    body: Record<string, unknown>,
    statistics: Record<string, unknown>,
    failure?: string,
  ): Record<string, unknown> => {
    const ref = (body.jobReference ?? {}) as { jobId?: string; location?: string };
    const jobId = ref.jobId ?? randomUUID();
    const status = failure
      ? {
          state: 'DONE',
          errorResult: { reason: 'invalid', message: failure },
          errors: [{ reason: 'invalid', message: failure }],
        }
      : { state: 'DONE' };
    return {
      kind: 'bigquery#job',
      id: `${project}:${ref.location ?? 'US'}.${jobId}`,
      jobReference: { projectId: project, jobId, location: ref.location ?? 'US' },
      configuration: body.configuration,
      status,
      statistics,
    };
  };

  const load = async (body: Record<string, unknown>, data: string): Promise<Reply> => {
    const config = (body.configuration as { load: { destinationTable: { tableId: string }; sourceFormat?: string } })
      .load;
    const tableId = config.destinationTable.tableId;
    const table = tables.get(tableId);
    let failure: string | undefined;
    let rows = 0;
    if (!table) failure = `Not found: Table ${project}:${tableId}`;
    else if (config.sourceFormat !== 'NEWLINE_DELIMITED_JSON')
      failure = `this fake loads NEWLINE_DELIMITED_JSON only, got ${config.sourceFormat}`;
    else {
      try {
        rows = await engine.load(tableId, data, (table.schema as { fields: BqField[] }).fields);
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    const job = newJob(body, { load: { outputRows: String(rows) } }, failure);
    jobs.set((job.jobReference as { jobId: string }).jobId, { resource: job });
    return { status: 200, body: job };
  };

  const queryJob = async (body: Record<string, unknown>): Promise<Reply> => {
    const query = (body.configuration as { query?: { query?: string } }).query?.query ?? '';
    let result: BqResult;
    try {
      result = await engine.query(query);
    } catch (e) {
      // BigQuery rejects a query that does not compile when the job is inserted.
      return error(400, 'invalidQuery', (e as Error).message.split('\n')[0]!);
    }
    const stats = result.dmlAffectedRows === undefined ? {} : { numDmlAffectedRows: String(result.dmlAffectedRows) };
    const job = newJob(body, { query: { statementType: /^\s*MERGE/i.test(query) ? 'MERGE' : 'SELECT', ...stats } });
    jobs.set((job.jobReference as { jobId: string }).jobId, { resource: job, result });
    return { status: 200, body: job };
  };

  const results = (jobId: string, query: Record<string, string>): Reply => {
    const job = jobs.get(jobId);
    if (!job?.result) return error(404, 'notFound', `Not found: Job ${project}:${jobId}`);
    const { fields, rows, dmlAffectedRows } = job.result;
    const start = Number(query.pageToken ?? 0);
    const end = Math.min(rows.length, start + Number(query.maxResults ?? rows.length));
    return {
      status: 200,
      body: {
        kind: 'bigquery#getQueryResultsResponse',
        jobReference: job.resource.jobReference,
        jobComplete: true,
        totalRows: String(rows.length),
        ...(dmlAffectedRows === undefined
          ? { schema: { fields }, rows: rows.slice(start, end) }
          : { numDmlAffectedRows: String(dmlAffectedRows) }),
        ...(end < rows.length ? { pageToken: String(end) } : {}),
      },
    };
  };

  const handle = async (
    method: string,
    path: string,
    query: Record<string, string>,
    body: Record<string, unknown>,
    data?: string,
  ): Promise<Reply> => {
    if (path === `/upload${base}/jobs` && method === 'POST' && data !== undefined) return load(body, data);
    if (!path.startsWith(base)) return error(404, 'notFound', `Not found: ${path}`);
    const rest = path.slice(base.length);
    let m: RegExpMatchArray | null;
    if (method === 'POST' && rest === '/datasets') {
      const id = (body.datasetReference as { datasetId: string }).datasetId;
      if (datasets.has(id)) return error(409, 'duplicate', `Already Exists: Dataset ${project}:${id}`);
      datasets.add(id);
      return {
        status: 200,
        body: {
          kind: 'bigquery#dataset',
          id: `${project}:${id}`,
          datasetReference: { projectId: project, datasetId: id },
          location: body.location,
        },
      };
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)$/)) && method === 'GET') {
      return datasets.has(m[1]!)
        ? { status: 200, body: { kind: 'bigquery#dataset', datasetReference: { projectId: project, datasetId: m[1] } } }
        : error(404, 'notFound', `Not found: Dataset ${project}:${m[1]}`);
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)\/tables$/)) && method === 'POST') {
      const id = (body.tableReference as { tableId: string }).tableId;
      if (tables.has(id)) return error(409, 'duplicate', `Already Exists: Table ${project}:${m[1]}.${id}`);
      await engine.createTable(id, body as { schema?: { fields: BqField[] }; view?: { query: string } });
      tables.set(id, body);
      return { status: 200, body: { kind: 'bigquery#table', ...body } };
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)\/tables\/([^/]+)$/))) {
      const t = tables.get(m[2]!);
      if (!t) return error(404, 'notFound', `Not found: Table ${project}:${m[1]}.${m[2]}`);
      if (method === 'GET') return { status: 200, body: { kind: 'bigquery#table', ...t } };
      if (method === 'PATCH') {
        const before = ((t.schema as { fields?: BqField[] } | undefined)?.fields ?? []).map((f) => f.name);
        const after = (body.schema as { fields?: BqField[] } | undefined)?.fields ?? [];
        if (before.some((name, i) => after[i]?.name !== name))
          return error(400, 'invalid', 'Provided Schema does not match Table: existing fields must stay');
        await engine.addFields(m[2]!, after.slice(before.length));
        tables.set(m[2]!, { ...t, schema: { fields: after } });
        return { status: 200, body: { kind: 'bigquery#table', ...t, schema: { fields: after } } };
      }
      if (method === 'DELETE') {
        await engine.dropTable(m[2]!);
        tables.delete(m[2]!);
        return { status: 204 };
      }
    }
    if (rest === '/jobs' && method === 'POST') return queryJob(body);
    if ((m = rest.match(/^\/jobs\/([^/]+)$/)) && method === 'GET') {
      const job = jobs.get(m[1]!);
      return job ? { status: 200, body: job.resource } : error(404, 'notFound', `Not found: Job ${project}:${m[1]}`);
    }
    if ((m = rest.match(/^\/queries\/([^/]+)$/)) && method === 'GET') return results(m[1]!, query);
    return error(404, 'notFound', `fake BigQuery does not serve ${method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const query = Object.fromEntries(url.searchParams);
      const raw = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      const upload = type.startsWith('multipart/') ? multipart(type, raw) : undefined;
      const body = upload
        ? upload.metadata
        : raw.length
          ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>)
          : {};
      requests.push({ method: req.method ?? '', path: url.pathname, query, body: upload ?? body });
      handle(req.method ?? '', url.pathname, query, body, upload?.data)
        .catch((e: unknown) => error(500, 'internalError', (e as Error).message))
        .then((out) => {
          res.writeHead(out.status, out.body === undefined ? {} : { 'content-type': 'application/json' });
          res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    tables,
    sql: async (q) => {
      const r = await engine.query(q);
      return r.rows.map((row) => Object.fromEntries(r.fields.map((f, i) => [f.name, row.f[i]!.v])));
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      engine.close();
    },
  };
}
