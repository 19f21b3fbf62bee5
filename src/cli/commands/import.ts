import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { NotFoundError } from '../../errors/index.js';
import { importCsv, loadCsvMapping } from '../../interop/csv.js';
import { importEml, importMbox } from '../../interop/email/import-email.js';
import type { ImportInput } from '../../interop/input.js';
import { INGEST_MODELS, isIngestModel } from '../../interop/models.js';
import { importNdjson } from '../../interop/ndjson.js';
import type { ImportOptions, ImportProgress, ImportReport } from '../../interop/run-import.js';
import { intOption, listOption, stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { createProgress, formatBytes } from '../progress.js';
import { plural } from '../../text/plural.js';

const FORMATS = ['ndjson', 'csv', 'eml', 'mbox'] as const;
type Format = (typeof FORMATS)[number];

const BY_EXTENSION: Record<string, Format> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.eml': 'eml',
  '.mbox': 'mbox',
  '.mbx': 'mbox',
};

function formatOf(file: string, given: string | undefined): Format {
  if (given !== undefined) {
    if (!(FORMATS as readonly string[]).includes(given)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(given)}`, 'import');
    return given as Format;
  }
  if (file === '-') throw new UsageError('reading from stdin needs --format', 'import');
  let directory = false;
  try {
    directory = statSync(file).isDirectory();
  } catch {
    throw new NotFoundError('file', file, `file ${file} was not found`);
  }
  if (directory) return 'eml';
  const format = BY_EXTENSION[extname(file).toLowerCase()];
  if (!format) throw new UsageError(`cannot tell the format of ${file} from its name: give --format ${FORMATS.join('|')}`, 'import');
  return format;
}

const MAX_LISTED = 20;

/** `touchlog import <file>`: NDJSON, CSV with a mapping, .eml files or an mbox, with a progress bar. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import records from NDJSON, CSV (with a mapping), .eml files or an mbox',
  args: { min: 1, max: 1, names: '<file>' },
  options: {
    format: { type: 'string' },
    mapping: { type: 'string' },
    model: { type: 'string' },
    'our-domain': { type: 'string', multiple: true },
    system: { type: 'string' },
    tag: { type: 'string', multiple: true },
    'create-customers': { type: 'boolean' },
    'batch-size': { type: 'string' },
    'spool-dir': { type: 'string' },
  },
  help: `touchlog import <file> [options]

Imports records. <file> is a file, a directory of .eml files, or - for stdin (with --format).
Records with a source key are idempotent: importing the same file again changes nothing.

  --format ndjson|csv|eml|mbox  the input format (default: from the file name)
  --mapping <m.json>            CSV: the column mapping (required for csv)
  --model <model>               NDJSON: the model of lines that are plain records
                                (${INGEST_MODELS.join(', ')})
  --our-domain <domain>         email: one of your own mail domains (repeatable); decides
                                inbound / outbound / internal
  --system <name>               email: the source system of the messages (default: mail)
  --tag <tag>                   email: a tag for every message (repeatable)
  --create-customers            create a customer for an identifier nobody has
  --batch-size <n>              records per transaction (default 500)
  --spool-dir <dir>             email: where the messages read are kept until they are stored
                                (a private directory inside <dir>, removed at the end; default:
                                the temporary directory)

Exit code 6 when some records were rejected (each is listed with its line).`,

  async run(ctx) {
    const [file] = ctx.positionals as [string];
    const format = formatOf(file, stringOption(ctx.values, 'format'));
    const mappingPath = stringOption(ctx.values, 'mapping');
    const model = stringOption(ctx.values, 'model');
    const ourDomains = listOption(ctx.values, 'our-domain');
    const tags = listOption(ctx.values, 'tag');
    const system = stringOption(ctx.values, 'system');
    const spoolDirectory = stringOption(ctx.values, 'spool-dir');
    if (format === 'csv' && mappingPath === undefined) throw new UsageError('a CSV import needs --mapping <mapping.json> (see docs/interop.md)', 'import');
    if (format !== 'csv' && mappingPath !== undefined) throw new UsageError('--mapping is for CSV imports only', 'import');
    if (model !== undefined && format !== 'ndjson') throw new UsageError('--model is for NDJSON imports only (a CSV mapping names its model)', 'import');
    if (model !== undefined && !isIngestModel(model)) throw new UsageError(`--model must be one of ${INGEST_MODELS.join(', ')}, not ${JSON.stringify(model)}`, 'import');
    const email = format === 'eml' || format === 'mbox';
    if (!email && (ourDomains.length > 0 || system !== undefined || tags.length > 0 || spoolDirectory !== undefined)) {
      throw new UsageError('--our-domain, --system, --tag and --spool-dir are for email imports (eml, mbox)', 'import');
    }
    const batchSize = intOption(ctx.values, 'batch-size', 500, 10_000);
    const mapping = mappingPath === undefined ? undefined : await loadCsvMapping(mappingPath);
    if (mapping && !Object.hasOwn(mapping.fields, 'source.externalId') && !Object.hasOwn(mapping.fields, 'source')) {
      ctx.err(`warning: the mapping sets no source.externalId, so importing the same file again will store its rows again`);
    }
    const input: ImportInput = file === '-' ? ctx.io.stdin : file;

    const store = await ctx.openStore(false);
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: `import ${format}`, unit: 'bytes' });
    const onProgress = (p: ImportProgress) => {
      const detail =
        p.phase === 'reading'
          ? `reading: ${plural(p.read, 'message')}, ${formatBytes(p.bytesRead)}`
          : `${plural(p.processed, 'record')}: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} rejected`;
      if (p.phase === 'writing' && email) progress.update(p.processed, p.read, detail);
      else if (p.bytesTotal !== undefined) progress.update(p.bytesRead, p.bytesTotal, detail);
      else progress.update(p.processed, undefined, detail);
    };
    const createCustomers = ctx.values['create-customers'] === true;
    // Every rejection counts here, also those past the report's maxRejections.
    let unknownCustomers = 0;
    const common: ImportOptions = {
      batchSize,
      onProgress,
      onRejection: (rejection) => {
        if (rejection.unknownIdentifiers !== undefined) unknownCustomers++;
      },
      signal: ctx.signal,
      ...(createCustomers ? { createMissingCustomers: true } : {}),
    };
    let report: ImportReport;
    try {
      const log = store.log;
      const emailOptions = {
        ...common,
        ourDomains,
        ...(system !== undefined ? { system } : {}),
        ...(tags.length > 0 ? { tags } : {}),
        ...(spoolDirectory !== undefined ? { spoolDirectory } : {}),
      };
      switch (format) {
        case 'ndjson':
          report = await importNdjson(log, input, { ...common, ...(model !== undefined ? { model: model as (typeof INGEST_MODELS)[number] } : {}) });
          break;
        case 'csv':
          report = await importCsv(log, input, { ...common, mapping: mapping! });
          break;
        case 'mbox':
          report = await importMbox(log, input, emailOptions);
          break;
        case 'eml':
          report = await importEml(log, input, emailOptions);
          break;
      }
    } finally {
      progress.stop();
    }

    if (ctx.json) {
      ctx.out(JSON.stringify({ file, format, database: store.where, ...report }));
    } else {
      ctx.out(
        `Imported ${file === '-' ? 'stdin' : file} (${format}) into ${store.where}: ${plural(report.processed, 'record')} — ` +
          `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.stale} stale, ${report.rejected} rejected`,
      );
      for (const rejection of report.rejections.slice(0, MAX_LISTED)) {
        const where = rejection.file !== undefined ? rejection.file : rejection.line !== undefined ? `line ${rejection.line}` : `record ${rejection.index + 1}`;
        const message = rejection.message.replace(/\n\s*/g, ' ');
        ctx.out(`  rejected ${where} [${rejection.code}]: ${message}`);
      }
      if (report.rejected > MAX_LISTED) ctx.out(`  …and ${report.rejected - MAX_LISTED} more (--json lists them all)`);
      if (unknownCustomers > 0 && !createCustomers) {
        ctx.out(
          `${plural(unknownCustomers, 'rejected record')} ${unknownCustomers === 1 ? 'names its' : 'name their'} customer by an identifier no customer has: ` +
            'import again with --create-customers to create those customers (what is already stored stays as it is).',
        );
      }
    }
    return report.rejected > 0 ? EXIT.rejected : EXIT.ok;
  },
};
