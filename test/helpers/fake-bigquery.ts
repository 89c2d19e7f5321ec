// A local HTTP server that answers the BigQuery REST calls fraudflow makes as BigQuery does, and records every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface RecordedRequest { method: string; path: string; body: unknown }

export interface FakeBigQuery {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Tables as created: the tables.insert bodies, by table id. */
  readonly tables: Map<string, Record<string, unknown>>;
  /** Rows kept per table, after insert-id de-duplication as BigQuery does it within its window. */
  readonly rows: Map<string, Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

function error(status: number, reason: string, message: string) {
  return { status, body: { error: { code: status, message, errors: [{ reason, message }], status: reason.toUpperCase() } } };
}

export async function startFakeBigQuery(project: string): Promise<FakeBigQuery> {
  const requests: RecordedRequest[] = [];
  const datasets = new Set<string>();
  const tables = new Map<string, Record<string, unknown>>();
  const rows = new Map<string, Array<Record<string, unknown>>>();
  const insertIds = new Map<string, Set<string>>();
  const jobs = new Map<string, { query: string }>();

  const handle = (method: string, path: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    const base = `/bigquery/v2/projects/${project}`;
    if (!path.startsWith(base)) return error(404, 'notFound', `Not found: ${path}`);
    const rest = path.slice(base.length);
    let m: RegExpMatchArray | null;
    if (method === 'POST' && rest === '/datasets') {
      const id = (body.datasetReference as { datasetId: string }).datasetId;
      if (datasets.has(id)) return error(409, 'duplicate', `Already Exists: Dataset ${project}:${id}`);
      datasets.add(id);
      return { status: 200, body: { kind: 'bigquery#dataset', id: `${project}:${id}`, datasetReference: { projectId: project, datasetId: id }, location: body.location } };
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)$/)) && method === 'GET') {
      return datasets.has(m[1]!) ? { status: 200, body: { kind: 'bigquery#dataset', datasetReference: { projectId: project, datasetId: m[1] } } } : error(404, 'notFound', `Not found: Dataset ${project}:${m[1]}`);
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)\/tables$/)) && method === 'POST') {
      const id = (body.tableReference as { tableId: string }).tableId;
      if (tables.has(id)) return error(409, 'duplicate', `Already Exists: Table ${id}`);
      tables.set(id, body);
      rows.set(id, []);
      return { status: 200, body: { kind: 'bigquery#table', ...body } };
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)\/tables\/([^/]+)$/)) && method === 'GET') {
      const t = tables.get(m[2]!);
      return t ? { status: 200, body: { kind: 'bigquery#table', ...t } } : error(404, 'notFound', `Not found: Table ${project}:${m[1]}.${m[2]}`);
    }
    if ((m = rest.match(/^\/datasets\/([^/]+)\/tables\/([^/]+)\/insertAll$/)) && method === 'POST') {
      const id = m[2]!;
      if (!tables.has(id)) return error(404, 'notFound', `Not found: Table ${id}`);
      const seen = insertIds.get(id) ?? new Set<string>();
      insertIds.set(id, seen);
      for (const r of body.rows as Array<{ insertId?: string; json: Record<string, unknown> }>) {
        if (r.insertId && seen.has(r.insertId)) continue;
        if (r.insertId) seen.add(r.insertId);
        rows.get(id)!.push(r.json);
      }
      return { status: 200, body: { kind: 'bigquery#tableDataInsertAllResponse' } };
    }
    if (rest === '/jobs' && method === 'POST') {
      const query = ((body.configuration as { query?: { query?: string } })?.query?.query) ?? '';
      const jobId = (body.jobReference as { jobId?: string })?.jobId ?? randomUUID();
      if (!/^select count\(\*\) as n from `?[\w.]+`?$/i.test(query.trim())) return error(400, 'invalidQuery', `Syntax error: this fake answers only SELECT COUNT(*) AS n FROM <table>, got: ${query}`);
      jobs.set(jobId, { query });
      return { status: 200, body: { kind: 'bigquery#job', jobReference: { projectId: project, jobId, location: 'EU' }, configuration: body.configuration, status: { state: 'DONE' } } };
    }
    if ((m = rest.match(/^\/queries\/([^/?]+)$/)) && method === 'GET') {
      const job = jobs.get(m[1]!);
      if (!job) return error(404, 'notFound', `Not found: Job ${m[1]}`);
      const table = job.query.trim().split(/\s+/).pop()!.replaceAll('`', '').split('.').pop()!;
      const n = rows.get(table)?.length ?? 0;
      return { status: 200, body: { kind: 'bigquery#getQueryResultsResponse', jobReference: { projectId: project, jobId: m[1] }, schema: { fields: [{ name: 'n', type: 'INTEGER', mode: 'NULLABLE' }] }, rows: [{ f: [{ v: String(n) }] }], totalRows: '1', jobComplete: true } };
    }
    return error(404, 'notFound', `fake BigQuery does not serve ${method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ method: req.method ?? '', path, body });
      const out = handle(req.method ?? '', path, body);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests, tables, rows,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
