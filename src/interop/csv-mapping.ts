/**
 * The CSV column mapping: which column goes to which field of a model, with simple transforms.
 * Declared as a zod schema, so a mapping file is validated (every problem with its path) before a
 * single row is read.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { NotFoundError, ValidationError, type ValidationIssue } from '../errors/index.js';
import { isCurrencyCode, moneyFromDecimal } from '../models/money.js';
import { FORBIDDEN_KEYS } from '../models/primitives.js';
import { createValidator } from '../validation/index.js';
import { INGEST_MODELS, type IngestModel } from './models.js';

/** Transforms a column's text can go through (`as`). */
export const CSV_TRANSFORMS = [
  'string',
  'number',
  'integer',
  'boolean',
  'instant',
  'money',
  'list',
  'address',
  'addresses',
  'identifier',
  'json',
] as const;
export type CsvTransform = (typeof CSV_TRANSFORMS)[number];

const columnRef = z.union([z.string().min(1).max(256), z.int().min(0).max(10_000)], {
  error: 'must be a column name (a header of the file) or, without a header row, a column number from 0',
});

const jsonValue = z.json();

const OFFSET = /^(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const FORMAT_TOKENS = /YYYY|MM|M|DD|D|HH|H|mm|ss|SSS/g;

/** A field filled from a column (or a template of columns), through a transform. */
const ColumnFieldSchema = z
  .strictObject({
    /** The column: its header name, or its number from 0 when the file has no header row. */
    column: columnRef.optional(),
    /** Text built from several columns: `"{Invoice No}-{Line}"`. Use instead of `column`. */
    template: z.string().min(1).max(1024).optional(),
    /** How the text becomes the value; `string` when not given. */
    as: z.enum(CSV_TRANSFORMS).default('string'),
    /** Replaces whole cell texts before the transform: `{ "Paid": "paid", "Y": true }`. */
    map: z.record(z.string(), jsonValue).optional(),
    /** The value when the cell is empty (otherwise the field is left out). Used as it is. */
    default: jsonValue.optional(),
    /** Trim white space around the cell text; `true` when not given. */
    trim: z.boolean().default(true),
    /** `money`: the currency of every row (ISO 4217)… */
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"').optional(),
    /** `money`: …or the column that holds each row's currency. */
    currencyColumn: columnRef.optional(),
    /** `money`, `number`: the decimal separator; `.` when not given. */
    decimalSeparator: z.enum(['.', ',']).optional(),
    /** `money`, `number`: a thousands separator to ignore (`,` `.` space `'` `_`); none when not given. */
    thousandsSeparator: z.enum([',', '.', ' ', "'", '_']).optional(),
    /** `instant`: the layout of the text, with YYYY MM M DD D HH H mm ss SSS, e.g. `DD/MM/YYYY HH:mm`; ISO 8601 when not given. */
    format: z.string().min(1).max(64).optional(),
    /** `instant`: the UTC offset of texts that have none (`Z`, `+01:00`, `-05:00`); `Z` when not given. */
    offset: z.string().regex(OFFSET, 'must be Z or an offset such as +01:00').optional(),
    /** `list` (default `;`) and `addresses` (default `,`): what separates the items. */
    separator: z.string().min(1).max(8).optional(),
    /** `identifier`: the kind of identifier. */
    type: z.enum(['email', 'phone', 'external']).optional(),
    /** `identifier` of type `external`: the system that issued it (`erp`, `crm`...). */
    system: z.string().min(1).max(64).optional(),
  })
  .superRefine((field, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((field.column === undefined) === (field.template === undefined)) issue('column', 'give either "column" or "template"');
    if (field.as === 'money' && (field.currency === undefined) === (field.currencyColumn === undefined)) {
      issue('currency', 'a money field needs either "currency" or "currencyColumn"');
    }
    if (field.currency !== undefined && !isCurrencyCode(field.currency)) issue('currency', `${field.currency} is not an ISO 4217 currency`);
    if (field.as === 'identifier' && field.type === undefined) issue('type', 'an identifier field needs "type": "email", "phone" or "external"');
    if (field.as === 'identifier' && field.type === 'external' && field.system === undefined) issue('system', 'an external identifier needs "system"');
    const only = (key: keyof typeof field, transforms: readonly CsvTransform[]) => {
      if (field[key] !== undefined && !transforms.includes(field.as)) issue(key, `only applies to ${transforms.map((t) => `"as": "${t}"`).join(' or ')}`);
    };
    only('currency', ['money']);
    only('currencyColumn', ['money']);
    only('decimalSeparator', ['money', 'number']);
    only('thousandsSeparator', ['money', 'number']);
    only('format', ['instant']);
    only('offset', ['instant']);
    only('separator', ['list', 'addresses']);
    only('type', ['identifier']);
    only('system', ['identifier']);
    if (field.format !== undefined && !/YYYY/.test(field.format)) issue('format', 'must contain YYYY');
    if (field.decimalSeparator !== undefined && field.decimalSeparator === field.thousandsSeparator) {
      issue('thousandsSeparator', 'must differ from the decimal separator');
    }
  });

/** A constant: the same value in every row. */
const ConstFieldSchema = z.strictObject({ const: jsonValue });

/** One field of a mapping: a column (shorthand for `{ "column": ... }`), a column field or a constant. */
export const CsvFieldSchema = z.union([columnRef, ConstFieldSchema, ColumnFieldSchema], {
  error: 'must be a column name, { "column": ..., "as": ... }, { "template": ... } or { "const": ... }',
});

const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_]*|\d{1,3})$/;

const fieldPath = z.string().superRefine((path, ctx) => {
  const segments = path.split('.');
  if (!SEGMENT.test(segments[0] ?? '') || /^\d/.test(segments[0]!) || !segments.every((s) => SEGMENT.test(s))) {
    ctx.addIssue({ code: 'custom', message: `"${path}" must be a field path such as "amount" or "source.externalId" or "identifiers.0"` });
  } else if (segments.some((s) => FORBIDDEN_KEYS.has(s))) {
    ctx.addIssue({ code: 'custom', message: `"${path}" uses a forbidden key` });
  }
});

/**
 * A CSV mapping, as found in a mapping file.
 *
 * @example
 * ```json
 * {
 *   "model": "financialRecord",
 *   "csv": { "delimiter": ";" },
 *   "fields": {
 *     "type": { "const": "invoice" },
 *     "customer": { "column": "Customer No", "as": "identifier", "type": "external", "system": "erp" },
 *     "ref": "Invoice No",
 *     "issuedAt": { "column": "Date", "as": "instant", "format": "DD.MM.YYYY", "offset": "+01:00" },
 *     "dueAt": { "column": "Due", "as": "instant", "format": "DD.MM.YYYY", "offset": "+01:00" },
 *     "amount": { "column": "Total", "as": "money", "currencyColumn": "Currency", "decimalSeparator": ",", "thousandsSeparator": "." },
 *     "status": { "column": "State", "map": { "Offen": "open", "Bezahlt": "paid" } },
 *     "tags": { "column": "Labels", "as": "list" },
 *     "source.system": { "const": "erp" },
 *     "source.externalId": "Invoice No"
 *   }
 * }
 * ```
 */
export const CsvMappingSchema = z
  .strictObject({
    /** Ignored: lets editors find a JSON Schema for the file. */
    $schema: z.string().optional(),
    /** The model every row becomes. */
    model: z.enum(INGEST_MODELS as [IngestModel, ...IngestModel[]]),
    /** How the file is written. */
    csv: z
      .strictObject({
        /** Field delimiter; `,` when not given. */
        delimiter: z.string().min(1).max(4).default(','),
        /** Quote character; `"` when not given. */
        quote: z.string().length(1).default('"'),
        /** Whether the first line names the columns; `true` when not given. */
        header: z.boolean().default(true),
        /** Lines starting with this character are comments. */
        comment: z.string().length(1).optional(),
        /** Text encoding of the file; `utf8` when not given. */
        encoding: z.enum(['utf8', 'latin1', 'utf16le']).default('utf8'),
        /** Lines to skip before the header (or the first row), e.g. a title line. */
        skipLines: z.int().min(0).max(1000).default(0),
      })
      .default({ delimiter: ',', quote: '"', header: true, encoding: 'utf8', skipLines: 0 }),
    /** Target field path → where its value comes from. */
    fields: z.record(fieldPath, CsvFieldSchema).refine((fields) => Object.keys(fields).length > 0, 'must map at least one field'),
  })
  .superRefine((mapping, ctx) => {
    const paths = Object.keys(mapping.fields);
    for (const path of paths) {
      const clash = paths.find((other) => other !== path && other.startsWith(`${path}.`));
      if (clash) ctx.addIssue({ code: 'custom', path: ['fields', path], message: `cannot be set together with "${clash}"` });
      const field = mapping.fields[path]!;
      const refs = typeof field !== 'object' ? [field] : 'const' in field ? [] : [field.column, field.currencyColumn];
      for (const ref of refs) {
        if (ref === undefined) continue;
        if (mapping.csv.header && typeof ref === 'number') {
          ctx.addIssue({ code: 'custom', path: ['fields', path], message: 'names a column by number, but the file has a header row: use its name' });
        }
        if (!mapping.csv.header && typeof ref === 'string') {
          ctx.addIssue({ code: 'custom', path: ['fields', path], message: 'names a column by name, but the file has no header row ("csv": { "header": false }): use its number from 0' });
        }
      }
    }
  });

/** A mapping as written (defaults optional). */
export type CsvMappingInput = z.input<typeof CsvMappingSchema>;
/** A validated mapping, defaults filled in. */
export type CsvMapping = z.output<typeof CsvMappingSchema>;

const mappingValidator = createValidator('CSV mapping', CsvMappingSchema);

/**
 * Validates a mapping object.
 *
 * @throws {ValidationError} `VALIDATION_FAILED` listing every problem with its path
 */
export function parseCsvMapping(mapping: unknown): CsvMapping {
  return mappingValidator.parse(mapping) as CsvMapping;
}

/**
 * Reads and validates a mapping file (JSON).
 *
 * @throws {NotFoundError} `NOT_FOUND` when the file does not exist
 * @throws {ValidationError} `VALIDATION_FAILED` when it is not JSON or not a valid mapping
 */
export async function readCsvMapping(path: string): Promise<CsvMapping> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code === 'ENOENT') throw new NotFoundError('file', path, `mapping file ${path} was not found`);
    throw new ValidationError('CSV mapping', [{ code: 'unreadable_input', path: [], message: `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('CSV mapping', [{ code: 'invalid_json', path: [], message: `${path} is not valid JSON (${(error as Error).message})` }]);
  }
  return parseCsvMapping(value);
}

// ---------------------------------------------------------------------------------------------
// Applying a mapping to a row

type Field = CsvMapping['fields'][string];
type ColumnField = z.output<typeof ColumnFieldSchema>;
/** A row: values by header name, or by position without a header. */
export type CsvRow = Record<string, string | undefined> | Array<string | undefined>;

const cell = (row: CsvRow, ref: string | number): string | undefined =>
  Array.isArray(row) ? row[ref as number] : (row as Record<string, string | undefined>)[ref as string];

/** Column names a mapping reads. */
export function columnsOf(mapping: CsvMapping): Array<{ path: string; column: string | number }> {
  const out: Array<{ path: string; column: string | number }> = [];
  for (const [path, field] of Object.entries(mapping.fields)) {
    if (typeof field !== 'object') out.push({ path, column: field });
    else if (!('const' in field)) {
      if (field.column !== undefined) out.push({ path, column: field.column });
      if (field.currencyColumn !== undefined) out.push({ path, column: field.currencyColumn });
      if (field.template !== undefined) for (const match of field.template.matchAll(/\{([^{}]+)\}/g)) out.push({ path, column: match[1]! });
    }
  }
  return out;
}

/**
 * Checks that every column the mapping reads is in the header.
 *
 * @throws {ValidationError} `VALIDATION_FAILED` naming every missing column
 */
export function checkColumns(mapping: CsvMapping, header: readonly string[] | undefined, width?: number): void {
  const issues: ValidationIssue[] = [];
  for (const { path, column } of columnsOf(mapping)) {
    if (typeof column === 'string' && header && !header.includes(column)) {
      issues.push({ code: 'unknown_column', path: ['fields', path], message: `column "${column}" is not in the file's header (${header.map((h) => JSON.stringify(h)).join(', ')})` });
    }
    if (typeof column === 'number' && width !== undefined && column >= width) {
      issues.push({ code: 'unknown_column', path: ['fields', path], message: `column ${column} is beyond the ${width} columns of the file` });
    }
  }
  if (issues.length > 0) throw new ValidationError('CSV mapping', issues);
}

function fillTemplate(template: string, row: CsvRow): string {
  return template.replace(/\{([^{}]+)\}/g, (_all, name: string) => (cell(row, /^\d+$/.test(name) && Array.isArray(row) ? Number(name) : name) ?? '').trim());
}

function normaliseDecimal(text: string, field: ColumnField): string {
  let value = text;
  if (field.thousandsSeparator !== undefined) value = value.split(field.thousandsSeparator).join('');
  if ((field.decimalSeparator ?? '.') === ',') value = value.replace(',', '.');
  return value.replace(/^\+/, '');
}

function parseInstant(text: string, field: ColumnField): string {
  const offset = field.offset ?? 'Z';
  if (field.format !== undefined) {
    const order: string[] = [];
    const source = field.format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(FORMAT_TOKENS, (token) => {
      order.push(token);
      return token === 'YYYY' ? '(\\d{4})' : token === 'SSS' ? '(\\d{1,3})' : token.length === 1 ? '(\\d{1,2})' : '(\\d{2})';
    });
    const match = new RegExp(`^${source}$`).exec(text);
    if (!match) throw new RangeError(`"${text}" does not match the format ${field.format}`);
    const parts: Record<string, string> = {};
    order.forEach((token, i) => (parts[token.length === 1 ? token + token : token] = match[i + 1]!.padStart(token === 'SSS' ? 3 : 2, '0')));
    if (!parts['MM'] || !parts['DD']) throw new RangeError(`the format ${field.format} needs a month and a day`);
    const time = `${parts['HH'] ?? '00'}:${parts['mm'] ?? '00'}:${parts['ss'] ?? '00'}${parts['SSS'] ? `.${parts['SSS']}` : ''}`;
    return `${parts['YYYY']}-${parts['MM']}-${parts['DD']}T${time}${offset}`;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${text}T00:00:00${offset}`;
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(text)) return `${text.replace(' ', 'T')}${offset}`;
  return text.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'x']);
const FALSE = new Set(['false', 'no', 'n', '0', '']);

function transform(text: string, field: ColumnField, row: CsvRow): unknown {
  switch (field.as) {
    case 'string':
      return text;
    case 'number':
    case 'integer': {
      const normalised = normaliseDecimal(text, field);
      const value = /^-?\d+(?:\.\d+)?$/.test(normalised) ? Number(normalised) : Number.NaN;
      if (!Number.isFinite(value)) throw new RangeError(`"${text}" is not a number`);
      if (field.as === 'integer' && !Number.isSafeInteger(value)) throw new RangeError(`"${text}" is not an integer`);
      return value;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      throw new RangeError(`"${text}" is not a yes/no value (true/false, yes/no, y/n, 1/0)`);
    }
    case 'instant':
      return parseInstant(text, field);
    case 'money': {
      const currency = field.currency ?? cell(row, field.currencyColumn!)?.trim().toUpperCase() ?? '';
      if (!isCurrencyCode(currency)) throw new RangeError(`"${currency}" is not an ISO 4217 currency`);
      return moneyFromDecimal(normaliseDecimal(text, field), currency);
    }
    case 'list':
      return text.split(field.separator ?? ';').map((item) => item.trim()).filter((item) => item !== '');
    case 'address':
      return { address: text };
    case 'addresses':
      return text
        .split(field.separator ?? ',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
        .map((address) => ({ address }));
    case 'identifier':
      return field.type === 'external' ? { type: 'external', system: field.system!, value: text } : { type: field.type!, value: text };
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new RangeError('is not valid JSON');
      }
  }
}

function valueOf(field: Field, row: CsvRow): { value: unknown; column: string } | undefined {
  if (typeof field !== 'object') {
    const text = cell(row, field)?.trim() ?? '';
    return text === '' ? undefined : { value: text, column: String(field) };
  }
  if ('const' in field) return { value: field.const, column: '(constant)' };
  const column = field.column !== undefined ? String(field.column) : `template ${field.template}`;
  const raw = field.column !== undefined ? (cell(row, field.column) ?? '') : fillTemplate(field.template!, row);
  const text = field.trim ? raw.trim() : raw;
  if (text === '') return field.default !== undefined ? { value: field.default, column } : undefined;
  if (field.map !== undefined && Object.hasOwn(field.map, text)) {
    const mapped = field.map[text];
    if (typeof mapped !== 'string') return { value: mapped, column };
    return { value: transform(mapped, field, row), column };
  }
  return { value: transform(text, field, row), column };
}

function setPath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const key = segments[i]!;
    const nextIsIndex = /^\d+$/.test(segments[i + 1]!);
    const container = (node as Record<string, unknown>)[key];
    if (typeof container !== 'object' || container === null) {
      const created = nextIsIndex ? [] : {};
      (node as Record<string, unknown>)[key] = created;
      node = created;
    } else node = container as Record<string, unknown>;
  }
  (node as Record<string, unknown>)[segments[segments.length - 1]!] = value;
}

/** Removes the holes that empty cells leave in lists (`identifiers.0` empty, `identifiers.1` set). */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter(() => true).map(compact);
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (!FORBIDDEN_KEYS.has(key)) (value as Record<string, unknown>)[key] = compact(inner);
    }
  }
  return value;
}

/**
 * Builds a model input from one CSV row with a mapping. Cells that cannot be converted (a malformed
 * amount, date or number, an unknown currency) are reported as issues with the target field's path;
 * the model's own validation happens when the record is stored.
 */
export function applyCsvMapping(mapping: CsvMapping, row: CsvRow): { data: Record<string, unknown> } | { issues: ValidationIssue[] } {
  const data: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const [path, field] of Object.entries(mapping.fields)) {
    const segments = path.split('.');
    try {
      const result = valueOf(field, row);
      if (result !== undefined) setPath(data, segments, structuredClone(result.value));
    } catch (error) {
      const column = typeof field !== 'object' ? String(field) : 'const' in field ? '' : field.column !== undefined ? String(field.column) : (field.template ?? '');
      issues.push({
        code: 'invalid_cell',
        path: segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
        message: `column ${JSON.stringify(column)}: ${(error as Error).message}`,
      });
    }
  }
  return issues.length > 0 ? { issues } : { data: compact(data) as Record<string, unknown> };
}
