/**
 * An accounts-receivable table (CSV) as backtest rows: one invoice a line, with its customer,
 * invoice, due and settled dates, amount and dispute flag — the shape AR exports and public
 * samples such as IBM's "WA_Fn-UseC_-Accounts-Receivable" have. Columns are found by their usual
 * names (or named explicitly); US (M/D/YYYY), day-first (D/M/YYYY) and ISO dates are read.
 *
 * @module
 */
import { parse } from 'csv-parse/sync';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import type { InvoiceRow } from '../forecast/backtest.js';
import { isCurrencyCode, moneyFromDecimal } from '../models/money.js';

/** The fields of a row, and the column each comes from. */
export type InvoiceTableField = 'customer' | 'ref' | 'invoiceDate' | 'dueDate' | 'settledDate' | 'amount' | 'disputed';

/** How dates are written: `iso` (2013-01-02), `mdy` (1/2/2013, US) or `dmy` (2/1/2013). */
export type TableDateFormat = 'iso' | 'mdy' | 'dmy';

/** Options of {@link readInvoiceTable}. */
export interface InvoiceTableOptions {
  /** Column names, where they differ from the usual ones (`customerID`, `InvoiceDate`, `DueDate`, `SettledDate`, `InvoiceAmount`, `Disputed`...). */
  readonly columns?: Partial<Record<InvoiceTableField, string>>;
  /** How slash-separated dates are written. Default: found from the data (a first number above 12 means day-first; otherwise US). */
  readonly dateFormat?: TableDateFormat;
  /** Currency of the amounts (their decimals). Default USD. */
  readonly currency?: string;
  /** Field delimiter. Default `,`. */
  readonly delimiter?: string;
}

/** A table read into rows. */
export interface InvoiceTable {
  readonly rows: InvoiceRow[];
  /** The column each field came from. */
  readonly columns: Readonly<Partial<Record<InvoiceTableField, string>>>;
  readonly dateFormat: TableDateFormat;
}

const USUAL: Record<InvoiceTableField, readonly string[]> = {
  customer: ['customerid', 'customer', 'customerno', 'customernumber', 'custid', 'account', 'accountid', 'debtor', 'client', 'clientid'],
  ref: ['invoicenumber', 'invoiceno', 'invoiceid', 'invoice', 'ref', 'documentnumber', 'docnumber'],
  invoiceDate: ['invoicedate', 'issuedate', 'issuedat', 'issued', 'documentdate', 'docdate', 'billingdate'],
  dueDate: ['duedate', 'dueat', 'due', 'netduedate'],
  settledDate: ['settleddate', 'settledat', 'settled', 'paiddate', 'paidat', 'paymentdate', 'cleareddate', 'clearingdate', 'closeddate'],
  amount: ['invoiceamount', 'amount', 'total', 'invoicetotal', 'amountdue'],
  disputed: ['disputed', 'dispute', 'isdisputed', 'indispute'],
};
const REQUIRED: readonly InvoiceTableField[] = ['customer', 'invoiceDate', 'dueDate', 'settledDate'];
const normal = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/;
const SLASHED = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$/;

function detectFormat(values: Iterable<string>): TableDateFormat {
  let slashed = false;
  for (const value of values) {
    const m = SLASHED.exec(value);
    if (m === null) continue;
    slashed = true;
    if (Number(m[1]) > 12) return 'dmy';
    if (Number(m[2]) > 12) return 'mdy';
  }
  return slashed ? 'mdy' : 'iso';
}

/** `YYYY-MM-DD` of a date cell, or `undefined` when it is not a real date in the format. */
function isoOf(value: string, format: TableDateFormat): string | undefined {
  let y: number;
  let m: number;
  let d: number;
  const iso = ISO.exec(value);
  if (iso !== null) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else {
    const s = SLASHED.exec(value);
    if (s === null || format === 'iso') return undefined;
    const [a, b] = [Number(s[1]), Number(s[2])];
    y = s[3]!.length === 2 ? 2000 + Number(s[3]) : Number(s[3]);
    [m, d] = format === 'mdy' ? [a, b] : [b, a];
  }
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return date.toISOString().slice(0, 10);
}

const YES = new Set(['yes', 'y', 'true', 't', '1', 'disputed']);
const NO = new Set(['no', 'n', 'false', 'f', '0', '']);

/**
 * Reads an AR table (CSV text with a header line) into backtest rows. Every problem (a missing
 * column, a cell that is not a date, an amount with more decimals than the currency has) is listed
 * with its line and column in one `VALIDATION_FAILED` error.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { backtest } from 'touchlog';
 * import { readInvoiceTable } from 'touchlog/interop';
 *
 * const { rows } = readInvoiceTable(readFileSync('WA_Fn-UseC_-Accounts-Receivable.csv', 'utf8'));
 * backtest(rows).ratios; // { toDueDate: 0.4…, toCustomerMedian: …, … }
 * ```
 */
export function readInvoiceTable(text: string, options: InvoiceTableOptions = {}): InvoiceTable {
  const currency = options.currency ?? 'USD';
  if (!isCurrencyCode(currency)) throw new ValidationError('invoice table options', [{ code: 'unknown_currency', path: ['currency'], message: 'must be an ISO 4217 code such as USD' }]);
  let records: string[][];
  try {
    records = parse(text, { bom: true, delimiter: options.delimiter ?? ',', skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
  } catch (error) {
    throw new ValidationError('invoice table', [{ code: 'invalid_csv', path: [], message: `is not valid CSV: ${(error as Error).message}` }]);
  }
  const [header, ...lines] = records;
  if (header === undefined) throw new ValidationError('invoice table', [{ code: 'empty', path: [], message: 'has no header line' }]);
  const issues: ValidationIssue[] = [];
  const index: Partial<Record<InvoiceTableField, number>> = {};
  const columns: Partial<Record<InvoiceTableField, string>> = {};
  for (const field of Object.keys(USUAL) as InvoiceTableField[]) {
    const named = options.columns?.[field];
    const at = named !== undefined ? header.indexOf(named) : header.findIndex((h) => USUAL[field].includes(normal(h)));
    if (at >= 0) {
      index[field] = at;
      columns[field] = header[at]!;
    } else if (named !== undefined || REQUIRED.includes(field)) {
      issues.push({
        code: 'missing_column',
        path: ['columns', field],
        message: named !== undefined ? `names the column ${JSON.stringify(named)}, which the header does not have` : `found no column for ${field} (name it in options.columns; the header has ${header.join(', ')})`,
      });
    }
  }
  if (issues.length > 0) throw new ValidationError('invoice table', issues);
  const dateFormat =
    options.dateFormat ??
    detectFormat(
      (function* () {
        for (const line of lines) for (const f of ['invoiceDate', 'dueDate', 'settledDate'] as const) yield line[index[f]!] ?? '';
      })(),
    );
  const rows: InvoiceRow[] = [];
  lines.forEach((line, i) => {
    const lineNo = i + 2;
    const cell = (field: InvoiceTableField) => (index[field] === undefined ? undefined : (line[index[field]!] ?? ''));
    const date = (field: 'invoiceDate' | 'dueDate' | 'settledDate', optional: boolean) => {
      const value = cell(field)!;
      if (optional && value === '') return null;
      const iso = isoOf(value, dateFormat);
      if (iso === undefined) issues.push({ code: 'invalid_date', path: [lineNo, columns[field]!], message: `${JSON.stringify(value)} is not a ${dateFormat === 'iso' ? 'YYYY-MM-DD' : dateFormat === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY'} date` });
      return iso ?? null;
    };
    const customer = cell('customer')!;
    if (customer === '') issues.push({ code: 'missing_value', path: [lineNo, columns.customer!], message: 'must name the customer' });
    const invoiceDate = date('invoiceDate', false);
    const dueDate = date('dueDate', false);
    const settledDate = date('settledDate', true);
    let amountMinor: number | undefined;
    const amount = cell('amount');
    if (amount !== undefined && amount !== '') {
      try {
        amountMinor = moneyFromDecimal(amount.replace(/[,\s]/g, ''), currency).amountMinor;
        if (amountMinor < 0) throw new RangeError('negative');
      } catch {
        issues.push({ code: 'invalid_money', path: [lineNo, columns.amount!], message: `${JSON.stringify(amount)} is not a non-negative ${currency} amount` });
      }
    }
    const flag = cell('disputed');
    let disputed: boolean | undefined;
    if (flag !== undefined) {
      const f = flag.toLowerCase();
      if (YES.has(f)) disputed = true;
      else if (NO.has(f)) disputed = false;
      else issues.push({ code: 'invalid_value', path: [lineNo, columns.disputed!], message: `${JSON.stringify(flag)} is not yes or no` });
    }
    const ref = cell('ref');
    if (invoiceDate !== null && dueDate !== null) {
      rows.push({
        customer,
        ...(ref !== undefined && ref !== '' ? { ref } : {}),
        invoiceDate,
        dueDate,
        settledDate,
        ...(amountMinor !== undefined ? { amountMinor } : {}),
        ...(disputed !== undefined ? { disputed } : {}),
      });
    }
  });
  if (issues.length > 0) throw new ValidationError('invoice table', issues);
  return { rows, columns, dateFormat };
}
