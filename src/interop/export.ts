/**
 * Export: a customer's timeline or a whole tenant as NDJSON, and the JSON Schema of every model.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors/index.js';
import { MODEL_NAMES, toJSONSchema, type ModelName } from '../models/json-schema.js';
import type { TimelineOptions } from '../store/timeline.js';
import type { Touchlog } from '../store/touchlog.js';
import type { IngestModel } from './models.js';

/** One exported record: its model and the record as stored (see `toJSONSchema(model, { form: 'stored' })`). */
export interface ExportLine {
  readonly model: ModelName;
  readonly data: unknown;
}

/** One exported timeline entry: the entry (`id`, `at`, `kind`), its record's model and the record as stored. */
export interface TimelineExportLine extends ExportLine {
  readonly entry: { readonly id: string; readonly at: string; readonly kind: string };
}

/** Options of {@link exportTenant}. */
export interface TenantExportOptions {
  /** Models to export, in this order; every model (customers first) when not given. */
  readonly models?: readonly IngestModel[];
  /** Also export the audit trail (`auditEntry` lines, in chain order, after the records). */
  readonly audit?: boolean;
  /** Rows read per page; 500 when not given. */
  readonly pageSize?: number;
}

const TENANT_ORDER: readonly IngestModel[] = ['customer', 'financialRecord', 'interaction', 'communication', 'followUp'];

/**
 * A customer's timeline as NDJSON lines (each ending in `\n`), oldest first, streaming one page at
 * a time. Each line is `{"entry":{"id","at","kind"},"model":...,"data":{...}}`; a record that
 * makes several entries (an invoice: issued, due) appears once per entry.
 *
 * @example
 * ```ts
 * for await (const line of exportTimeline(log, customer.id)) process.stdout.write(line);
 * ```
 */
export async function* exportTimeline(log: Touchlog, customerId: string, options: Omit<TimelineOptions, 'limit' | 'cursor'> & { pageSize?: number } = {}): AsyncGenerator<string> {
  await log.customers.get(customerId); // NOT_FOUND for an unknown customer, rather than an empty export
  for await (const entry of log.timeline.stream(customerId, options)) {
    const line: TimelineExportLine = { entry: { id: entry.id, at: entry.at, kind: entry.kind }, model: entry.model, data: entry.record };
    yield `${JSON.stringify(line)}\n`;
  }
}

/**
 * Every record of the tenant as NDJSON lines (`{"model":...,"data":{...}}`), streaming: customers,
 * then financial records, interactions, messages and follow-ups, each in time order; with
 * `audit: true`, the audit trail after them. Records are in their stored form: an export is for
 * warehouses, backups and other systems, not input for `importNdjson` (which takes the input form).
 */
export async function* exportTenant(log: Touchlog, options: TenantExportOptions = {}): AsyncGenerator<string> {
  const models = options.models ?? TENANT_ORDER;
  const pageSize = options.pageSize ?? 500;
  for (const model of models) {
    if (!TENANT_ORDER.includes(model)) {
      throw new ValidationError('export options', [{ code: 'invalid_value', path: ['models'], message: `must list models among ${TENANT_ORDER.join(', ')}` }]);
    }
  }
  const collections = {
    customer: log.customers,
    financialRecord: log.finance,
    interaction: log.interactions,
    communication: log.communications,
    followUp: log.followUps,
  } as const;
  for (const model of models) {
    for await (const record of collections[model].stream({ pageSize })) {
      yield `${JSON.stringify({ model, data: record } satisfies ExportLine)}\n`;
    }
  }
  if (options.audit) {
    for await (const entry of log.audit.entries()) yield `${JSON.stringify({ model: 'auditEntry', data: entry } satisfies ExportLine)}\n`;
  }
}

/** The JSON Schema (draft 2020-12) of every model, in both forms: `{ input: { customer: {...}, ... }, stored: {...} }`. */
export function modelJsonSchemas(): { input: Record<ModelName, Record<string, unknown>>; stored: Record<ModelName, Record<string, unknown>> } {
  const input = {} as Record<ModelName, Record<string, unknown>>;
  const stored = {} as Record<ModelName, Record<string, unknown>>;
  for (const model of MODEL_NAMES) {
    input[model] = toJSONSchema(model, { form: 'input' });
    stored[model] = toJSONSchema(model, { form: 'stored' });
  }
  return { input, stored };
}

/**
 * Writes the JSON Schema of every model into a directory (created when missing), one file per model
 * and form: `customer.input.schema.json`, `customer.stored.schema.json`, ... Returns the files written.
 */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const schemas = modelJsonSchemas();
  const written: string[] = [];
  for (const form of ['input', 'stored'] as const) {
    for (const model of MODEL_NAMES) {
      const file = join(dir, `${model}.${form}.schema.json`);
      await writeFile(file, `${JSON.stringify(schemas[form][model], null, 2)}\n`);
      written.push(file);
    }
  }
  return written;
}
