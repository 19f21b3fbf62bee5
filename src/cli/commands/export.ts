import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { resolveCustomerRef } from '../../interop/customer-ref.js';
import { exportTenant, exportTimeline, modelJsonSchemas, writeJsonSchemas } from '../../interop/export.js';
import { exportRestorable } from '../../interop/restorable.js';
import { stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { plural } from '../../text/plural.js';

/** Writes lines to a stream, waiting when it is full. */
async function pipeLines(lines: AsyncIterable<string>, stream: Writable, onLine: (count: number) => void): Promise<number> {
  let count = 0;
  for await (const line of lines) {
    count++;
    if (!stream.write(line)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('error', fail);
          resolve();
        };
        const fail = (error: Error) => {
          stream.off('drain', done);
          reject(error);
        };
        stream.once('drain', done);
        stream.once('error', fail);
      });
    }
    if (count % 500 === 0) onLine(count);
  }
  onLine(count);
  return count;
}

/** `touchlog export`: NDJSON of a timeline or a tenant, or the JSON Schemas of the models. */
export const exportCommand: Command = {
  name: 'export',
  summary: "export a customer's timeline or the whole tenant as NDJSON, or the JSON Schemas",
  args: { min: 0, max: 0, names: '' },
  options: {
    customer: { type: 'string' },
    schemas: { type: 'string' },
    out: { type: 'string' },
    audit: { type: 'boolean' },
    restorable: { type: 'boolean' },
  },
  help: `touchlog export [options]

Writes NDJSON, one record per line with its model ({"model": ..., "data": {...}}), to stdout
or --out: a customer's timeline with --customer, otherwise every record of the tenant.

  --customer <customer>   only this customer's timeline (one line per timeline entry)
  --audit                 tenant export: add the audit trail (auditEntry lines)
  --restorable            instead: a restorable export of the whole tenant (audit trail, records,
                          identifiers, data keys), which "touchlog restore" brings back into an
                          empty tenant of any database. It holds key material: keep it like a
                          database backup (with --out, the file is created readable by you only)
  --out <file>            write to a file instead of stdout
  --schemas <dir>         instead: write the JSON Schema of every model (input and stored form)
                          into <dir>; "-" prints them as one JSON document`,

  async run(ctx) {
    const schemas = stringOption(ctx.values, 'schemas');
    const customerRef = stringOption(ctx.values, 'customer');
    const out = stringOption(ctx.values, 'out');
    if (schemas !== undefined) {
      if (customerRef !== undefined || ctx.values['audit'] === true || ctx.values['restorable'] === true || out !== undefined) {
        throw new UsageError('--schemas cannot be combined with --customer, --audit, --restorable or --out', 'export');
      }
      if (schemas === '-') {
        ctx.out(JSON.stringify(modelJsonSchemas(), null, ctx.json ? undefined : 2));
        return EXIT.ok;
      }
      const files = await writeJsonSchemas(schemas);
      if (ctx.json) ctx.out(JSON.stringify({ files }));
      else ctx.out(`Wrote ${files.length} JSON Schemas to ${schemas}`);
      return EXIT.ok;
    }
    if (customerRef !== undefined && ctx.values['audit'] === true) throw new UsageError('--audit is for a tenant export, not --customer', 'export');
    const restorable = ctx.values['restorable'] === true;
    if (restorable && (customerRef !== undefined || ctx.values['audit'] === true)) {
      throw new UsageError('--restorable exports the whole tenant, audit trail included: it cannot be combined with --customer or --audit', 'export');
    }

    const { log } = await ctx.openStore(true);
    const customer = customerRef === undefined ? undefined : await resolveCustomerRef(log, customerRef);
    const lines = restorable
      ? exportRestorable(log, { signal: ctx.signal })
      : customer
        ? exportTimeline(log, customer.id)
        : exportTenant(log, { audit: ctx.values['audit'] === true });
    // A restorable export holds data keys: only its owner may read the file.
    const target: Writable = out === undefined ? ctx.io.stdout : createWriteStream(out, restorable ? { mode: 0o600 } : {});
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress && out !== undefined, label: 'export', unit: 'lines' });
    let count: number;
    try {
      count = await pipeLines(lines, target, (n) => progress.update(n, undefined, customer ? `the timeline of ${customer.displayName}` : `tenant ${log.tenant}`));
      if (out !== undefined) {
        target.end();
        await finished(target);
      }
    } finally {
      progress.stop();
    }
    if (out !== undefined) {
      const what = customer ? `the timeline of ${customer.displayName}` : restorable ? `tenant ${log.tenant} (restorable; it holds key material)` : `tenant ${log.tenant}`;
      if (ctx.json) ctx.out(JSON.stringify({ file: out, lines: count }));
      else ctx.out(`Exported ${what}: ${plural(count, 'line')} to ${out}`);
    }
    return EXIT.ok;
  },
};
