/**
 * A small JSON API over touchlog, with node:http only: customers, timelines, scores, the
 * collections worklist, ingestion and audit verification, plus the browser page in ./public.
 *
 *   GET  /api/customers?q=north&limit=20           search customers by name or identifier
 *   GET  /api/customers/resolve?ref=erp:C-2001     who is this? (id, email:…, phone:…, system:id)
 *   GET  /api/customers/:ref                        one customer
 *   GET  /api/customers/:ref/timeline?limit=&cursor=&order=   the merged timeline, one page
 *   GET  /api/customers/:ref/scores?asOf=2026-06-01            payment behaviour, signals, risk
 *   GET  /api/worklist?asOf=&currency=USD&limit=20  the collections worklist
 *   GET  /api/customers/:ref/forecast?asOf=&weeks=8  expected payment dates of the open invoices
 *   GET  /api/forecast?asOf=&weeks=13&segment=       the tenant's cash-in forecast per currency and week
 *   POST /api/ingest                                NDJSON (application/x-ndjson) or a JSON array
 *                                                   of { model, data } → the ingest report
 *   GET  /api/audit/verify                          the audit hash chain check
 *
 * Errors are JSON: `{ "error": { "code", "message", "issues"? } }` with 400, 404 (nothing at that
 * path), 405 (a path that answers other methods, listed in `Allow`), 409, 413, 415 or 500.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTouchlogError, ValidationError, type IngestItem, type PaymentPrior, type Touchlog } from 'touchlog';
import { importNdjson, resolveCustomerRef, summariseTimelineEntry } from 'touchlog/interop';

/** Options of {@link createService}. */
export interface ServiceOptions {
  readonly log: Touchlog;
  /** The day scores are computed as of when a request gives none; today (UTC) when not given. */
  readonly asOf?: string;
  /** Largest JSON request body, in bytes; 10 MiB when not given (NDJSON bodies stream and have no limit). */
  readonly maxJsonBytes?: number;
  /** Where unexpected errors are reported; stderr when not given. */
  readonly onError?: (error: unknown) => void;
}

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
const STATIC: Record<string, string> = { '/': 'index.html', '/index.html': 'index.html', '/app.js': 'app.js', '/style.css': 'style.css' };
const CUSTOMER_PATH = /^\/api\/customers\/([^/]+)(?:\/(timeline|scores))?$/;
const FORECAST_PATH = /^\/api\/customers\/([^/]+)\/forecast$/;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** An error with an HTTP status of its own (bad request bodies and the like). */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The methods a path answers to, or `undefined` when there is nothing at that path (404, not 405). */
function methodsAt(path: string): readonly string[] | undefined {
  if (Object.hasOwn(STATIC, path)) return ['GET'];
  if (path === '/api/ingest') return ['POST'];
  if (path === '/api/customers' || path === '/api/worklist' || path === '/api/audit/verify' || path === '/api/forecast') return ['GET'];
  if (CUSTOMER_PATH.test(path) || FORECAST_PATH.test(path)) return ['GET'];
  return undefined;
}

const STATUS_OF: Record<string, number> = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  SOURCE_CONFLICT: 409,
  IDENTIFIER_CONFLICT: 409,
  INVALID_TRANSITION: 409,
  ABORTED: 503,
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage, max: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw new HttpError(413, 'TOO_LARGE', `the body is larger than ${max} bytes: send NDJSON (application/x-ndjson), which streams`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new HttpError(400, 'INVALID_JSON', `the body is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * A day (`2026-06-01`) from the query, or the default. `Date.parse` would roll 2026-02-30 over
 * into March, so the day is checked to come back unchanged.
 */
function dayOf(value: string | null, fallback: string | undefined): string {
  const day = value ?? fallback ?? new Date().toISOString().slice(0, 10);
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new HttpError(400, 'VALIDATION_FAILED', `asOf must be a day that exists, such as 2026-06-01, not ${JSON.stringify(day.slice(0, 40))}`);
  }
  return day;
}

function intParam(value: string | null, fallback: number, max: number, name: string): number {
  if (value === null) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) throw new HttpError(400, 'VALIDATION_FAILED', `${name} must be a whole number from 1 to ${max}`);
  return Number(value);
}

/** Creates the HTTP server (not listening yet). */
export function createService(options: ServiceOptions): Server {
  const { log } = options;
  const maxJson = options.maxJsonBytes ?? 10 * 1024 * 1024;
  const reportError = options.onError ?? ((error: unknown) => console.error(error));
  // The tenant's payment behaviour is one pass over every customer: computed once per day asked
  // for, and again after any change (log.subscribe sees every committed write of this instance).
  const priors = new Map<string, Promise<PaymentPrior>>();
  log.subscribe(() => priors.clear());
  const priorOf = (asOf: string) => {
    let prior = priors.get(asOf);
    if (prior === undefined) {
      if (priors.size >= 8) priors.clear();
      prior = log.forecast.prior({ asOf });
      prior.catch(() => priors.delete(asOf));
      priors.set(asOf, prior);
    }
    return prior;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const query = url.searchParams;

    if (method === 'GET' && Object.hasOwn(STATIC, path)) {
      const file = STATIC[path]!;
      const body = await readFile(join(PUBLIC, file));
      res.writeHead(200, { 'content-type': TYPES[extname(file)]!, 'content-length': body.length });
      res.end(body);
      return;
    }

    if (method === 'GET' && path === '/api/customers') {
      const q = (query.get('q') ?? '').trim().toLowerCase();
      const limit = intParam(query.get('limit'), 20, 100, 'limit');
      const items = [];
      // A scan is fine for an example; a real service would index names in its search engine.
      for await (const customer of log.customers.stream({ pageSize: 500 })) {
        if (customer.mergedInto !== undefined) continue;
        const haystack = [customer.displayName, ...customer.identifiers.map((i) => i.value)].join(' ').toLowerCase();
        if (q === '' || haystack.includes(q)) items.push({ id: customer.id, displayName: customer.displayName, identifiers: customer.identifiers });
        if (items.length >= limit) break;
      }
      send(res, 200, { items });
      return;
    }

    if (method === 'GET' && path === '/api/customers/resolve') {
      const ref = query.get('ref');
      if (!ref) throw new HttpError(400, 'VALIDATION_FAILED', 'give ?ref=<id | email:… | phone:… | system:id>');
      send(res, 200, await resolveCustomerRef(log, ref));
      return;
    }

    const forecastPath = FORECAST_PATH.exec(path);
    if (method === 'GET' && forecastPath) {
      const customer = await resolveCustomerRef(log, decodeURIComponent(forecastPath[1]!));
      const asOf = dayOf(query.get('asOf'), options.asOf);
      send(res, 200, await log.forecast.customer(customer.id, { asOf, weeks: intParam(query.get('weeks'), 8, 520, 'weeks'), prior: await priorOf(asOf) }));
      return;
    }

    if (method === 'GET' && path === '/api/forecast') {
      const asOf = dayOf(query.get('asOf'), options.asOf);
      const segment = query.get('segment');
      send(res, 200, await log.forecast.cash({ asOf, weeks: intParam(query.get('weeks'), 13, 520, 'weeks'), prior: await priorOf(asOf), ...(segment ? { segment } : {}) }));
      return;
    }

    const customerPath = CUSTOMER_PATH.exec(path);
    if (method === 'GET' && customerPath) {
      const customer = await resolveCustomerRef(log, decodeURIComponent(customerPath[1]!));
      const about = { id: customer.id, displayName: customer.displayName };
      if (customerPath[2] === undefined) {
        send(res, 200, customer);
      } else if (customerPath[2] === 'timeline') {
        const order = query.get('order') ?? 'asc';
        if (order !== 'asc' && order !== 'desc') throw new HttpError(400, 'VALIDATION_FAILED', 'order must be asc or desc');
        const cursor = query.get('cursor');
        const page = await log.timeline(customer.id, { limit: intParam(query.get('limit'), 50, 1000, 'limit'), order, ...(cursor ? { cursor } : {}) });
        send(res, 200, {
          customer: about,
          items: page.items.map((entry) => ({ id: entry.id, at: entry.at, kind: entry.kind, model: entry.model, summary: summariseTimelineEntry(entry), record: entry.record })),
          ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
        });
      } else {
        const asOf = dayOf(query.get('asOf'), options.asOf);
        const score = await log.score.customer(customer.id, { asOf, invoiceDetails: false });
        send(res, 200, { customer: about, asOf, ...score });
      }
      return;
    }

    if (method === 'GET' && path === '/api/worklist') {
      const currency = query.get('currency');
      const worklist = await log.score.worklist({
        asOf: dayOf(query.get('asOf'), options.asOf),
        limit: intParam(query.get('limit'), 20, 500, 'limit'),
        ...(currency ? { currency: currency.toUpperCase() } : {}),
      });
      send(res, 200, worklist);
      return;
    }

    if (method === 'POST' && path === '/api/ingest') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const createMissingCustomers = query.get('createMissingCustomers') === 'true';
      if (type === 'application/x-ndjson' || type === 'application/ndjson' || type === 'application/jsonl') {
        send(res, 200, await importNdjson(log, req, { createMissingCustomers }));
      } else if (type === 'application/json') {
        const body = await readJson(req, maxJson);
        if (!Array.isArray(body)) throw new HttpError(400, 'VALIDATION_FAILED', 'a JSON body must be an array of { "model": ..., "data": {...} } items');
        send(res, 200, await log.ingest(body as IngestItem[], { createMissingCustomers }));
      } else {
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send application/x-ndjson (one { "model", "data" } per line) or application/json (an array of them)');
      }
      return;
    }

    if (method === 'GET' && path === '/api/audit/verify') {
      send(res, 200, await log.audit.verify());
      return;
    }

    const allowed = methodsAt(path);
    if (allowed) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} answers ${allowed.join(', ')}, not ${method}`, { allow: allowed.join(', ') });
    throw new HttpError(404, 'NOT_FOUND', `nothing at ${path}`);
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        send(res, error.status, { error: { code: error.code, message: error.message } }, error.headers);
      } else if (isTouchlogError(error) && STATUS_OF[error.code] !== undefined) {
        send(res, STATUS_OF[error.code]!, { error: { code: error.code, message: error.message, ...(error instanceof ValidationError ? { issues: error.issues } : {}) } });
      } else {
        reportError(error);
        send(res, 500, { error: { code: isTouchlogError(error) ? error.code : 'INTERNAL', message: 'the service failed to answer; see its log' } });
      }
    });
  });
}
