import { isTouchlogError, ValidationError } from '../../errors/index.js';
import { decodeUtf8, openInput, splitLines } from '../../interop/input.js';
import type { ReconcileDifference, ReconcileSummary, SourceModel } from '../../store/reconcile.js';
import { intOption, listOption, optionalInstantOption, stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { formatTable } from '../table.js';
import { plural } from '../../text/plural.js';

const MODELS: readonly SourceModel[] = ['customer', 'interaction', 'communication', 'financialRecord', 'followUp'];
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The ids of a reconciliation input, line by line: a plain line is one external id (the whole
 * line, without its line ending), a line starting with `{` is a JSON object
 * `{"externalId", "version"?, "digest"?}`. Errors name the line.
 */
async function* readSourceLines(input: string | AsyncIterable<Uint8Array>): AsyncGenerator<string | Record<string, unknown>> {
  const opened = await openInput(input);
  const fail = (line: number, message: string) => new ValidationError('reconciliation input', [{ code: 'invalid_value', path: ['line', line], message }]);
  for await (const line of splitLines(opened.chunks, MAX_LINE_BYTES)) {
    if (line.bytes === undefined) throw fail(line.number, `is longer than ${MAX_LINE_BYTES} bytes`);
    const text = decodeUtf8(line.bytes, line.number === 1);
    if (text === undefined) throw fail(line.number, 'is not valid UTF-8');
    if (text === '') throw fail(line.number, 'is empty: every line is an external id (or a JSON object with one)');
    if (!text.startsWith('{')) {
      yield text;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw fail(line.number, 'starts with "{" but is not JSON: write {"externalId": ...} for an id that starts with "{"');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(line.number, 'must be a JSON object {"externalId", "version"?, "digest"?}');
    yield value as Record<string, unknown>;
  }
}

/** A validation error of the API about item `n` (from 0) as one about line n + 1. */
function onLines(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const issues = error.issues.map((issue) => (typeof issue.path[0] === 'number' ? { ...issue, path: ['line', issue.path[0] + 1, ...issue.path.slice(1)] } : issue));
  return new ValidationError('reconciliation input', issues);
}

const describe = (d: ReconcileDifference): [string, string, string, string] => {
  switch (d.kind) {
    case 'missing':
      return ['missing', d.externalId, '', d.sourceVersion !== undefined ? `not here (source version ${d.sourceVersion})` : 'not here'];
    case 'extra':
      return ['extra', d.externalId, `${d.model} ${d.id}`, `not listed by the source (${d.at.slice(0, 10)})`];
    case 'differs':
      return [
        'differs',
        d.externalId,
        `${d.model} ${d.id}`,
        d.reason === 'content' ? `other content at version ${d.storedVersion}` : `source version ${d.sourceVersion ?? '?'}, stored ${d.storedVersion} (${d.reason === 'source_newer' ? 'source newer' : 'source older'})`,
      ];
    case 'erased':
      return ['erased', d.externalId, `${d.model} ${d.id}`, 'erased here; the source still has it'];
    case 'duplicate':
      return ['duplicate', d.externalId, '', 'listed again by the source'];
  }
};

/** `touchlog reconcile`: compares a source's ids with what the tenant holds from that source. */
export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'compare the ids a source system holds with what touchlog holds from it',
  args: { min: 1, max: 1, names: '<file|->' },
  options: {
    system: { type: 'string' },
    model: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    sorted: { type: 'boolean' },
    limit: { type: 'string' },
    'spool-dir': { type: 'string' },
  },
  help: `touchlog reconcile <file|-> --system <system> [options]

Reads the external ids a source system holds — one per line, or NDJSON lines
{"externalId": "...", "version": 3, "digest": "..."} — from a file or stdin (-), and reports
what is missing here, what is here but not listed by the source, and what differs (a newer or
older source version, other content at the same version). Exit code 0 when both agree, 7 when
anything is missing, extra or different. See docs/reconciliation.md.

  --system <system>      the source system (required), as in source.system
  --model <model>        only records of this model (repeatable): ${MODELS.join(', ')};
                         every model when not given
  --from <instant>       a window on when records happened (2026-01-01 or an instant): records
  --to <instant>           here outside it that the source does not list are not reported
  --sorted               the ids are already in byte order (LC_ALL=C sort): compared as read,
                         without sorting them first; one out of order stops with exit 3
  --limit <n>            differences listed in the table (default 50; --json lists all)
  --spool-dir <dir>      where unsorted ids are sorted in temporary files (default: the temp dir)
  --json                 one difference per line (NDJSON), then {"summary": {...}}`,

  async run(ctx) {
    const system = stringOption(ctx.values, 'system');
    if (system === undefined) throw new UsageError('reconcile needs --system <system>, the source system the ids are from', 'reconcile');
    const models = listOption(ctx.values, 'model');
    for (const model of models) {
      if (!(MODELS as readonly string[]).includes(model)) throw new UsageError(`--model must be one of ${MODELS.join(', ')}, not ${JSON.stringify(model)}`, 'reconcile');
    }
    const from = optionalInstantOption(ctx.values, 'from');
    const to = optionalInstantOption(ctx.values, 'to');
    const limit = intOption(ctx.values, 'limit', 50, 100_000);
    const spool = stringOption(ctx.values, 'spool-dir');
    const file = ctx.positionals[0]!;
    const input = file === '-' ? (ctx.io.stdin as AsyncIterable<Uint8Array>) : file;
    const { log } = await ctx.openStore(true);

    const run = log.reconcile.stream(readSourceLines(input) as AsyncIterable<never>, {
      system,
      ...(models.length > 0 ? { models: models as SourceModel[] } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      sorted: ctx.values['sorted'] === true,
      signal: ctx.signal,
      ...(spool !== undefined ? { spoolDirectory: spool } : {}),
    });
    const shown: ReconcileDifference[] = [];
    let summary: ReconcileSummary;
    try {
      for (;;) {
        const next = await run.next();
        if (next.done) {
          summary = next.value;
          break;
        }
        if (ctx.json) ctx.out(JSON.stringify(next.value));
        else if (shown.length < limit) shown.push(next.value);
      }
    } catch (error) {
      throw isTouchlogError(error, 'VALIDATION_FAILED') ? onLines(error) : error;
    }

    if (ctx.json) {
      ctx.out(JSON.stringify({ summary }));
    } else {
      const differences = summary.missing + summary.extra + summary.differs + summary.erased + summary.duplicate;
      const scope = `${system}${models.length > 0 ? ` (${models.join(', ')})` : ''}`;
      ctx.out(
        `${summary.inSync ? 'In sync' : 'Out of sync'} with ${scope}: ${plural(summary.listed, 'id')} listed, ${plural(summary.stored, 'record')} here — ` +
          `${summary.matched} matched, ${summary.missing} missing here, ${summary.extra} extra, ${summary.differs} different` +
          (summary.erased > 0 ? `, ${summary.erased} erased here` : '') +
          (summary.duplicate > 0 ? `, ${summary.duplicate} listed twice` : ''),
      );
      if (shown.length > 0) {
        for (const text of formatTable([{ header: 'Difference' }, { header: 'External id', max: 50 }, { header: 'Record' }, { header: 'Detail', max: 70 }], shown.map(describe))) ctx.out(text);
        if (differences > shown.length) ctx.out(`…and ${differences - shown.length} more (--limit, or --json for all)`);
      }
    }
    return summary.inSync ? EXIT.ok : EXIT.differs;
  },
};
