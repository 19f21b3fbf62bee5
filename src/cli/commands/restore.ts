import { restoreTenant } from '../../interop/restorable.js';
import { type Command } from '../context.js';
import { EXIT } from '../errors.js';
import { createProgress } from '../progress.js';
import { plural } from '../../text/plural.js';

/** `touchlog restore <file|->`: brings a restorable export back into an empty tenant. */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore a restorable export (touchlog export --restorable) into an empty tenant',
  args: { min: 1, max: 1, names: '<file|->' },
  options: {},
  help: `touchlog restore <file|-> [--tenant <tenant>]

Restores a restorable export ("touchlog export --restorable") into the tenant of the same name,
on this database: the same ids, versions, timeline, links, merges, erasures and audit chain.
The export is checked while it is read — every audit entry and link up to its head, every record
against the entry that last wrote it, counts and checksum — and nothing is restored unless all
of it holds (exit 5 naming the first problem). The tenant must be empty: a tenant that already
holds exactly this export is left as it is ("already restored", exit 0), any other data is never
merged into (exit 1). - reads stdin.

--tenant must name the export's tenant (audit entries are hashed with it); restore into another
database to keep two copies.`,

  async run(ctx) {
    const file = ctx.positionals[0]!;
    const input = file === '-' ? (ctx.io.stdin as AsyncIterable<Uint8Array>) : file;
    const { log, where } = await ctx.openStore(false);
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: 'restore', unit: 'records' });
    let report;
    try {
      report = await restoreTenant(log, input, {
        signal: ctx.signal,
        onProgress: (counts) => progress.update(counts.records, undefined, `${plural(counts.audit, 'audit entry', 'audit entries')}`),
      });
    } finally {
      progress.stop();
    }
    if (ctx.json) {
      ctx.out(JSON.stringify(report));
      return EXIT.ok;
    }
    const { counts, head } = report;
    const what = `${plural(counts.records, 'record')}, ${plural(counts.audit, 'audit entry', 'audit entries')}, ${plural(counts.identifiers, 'identifier')}, ${plural(counts.subjectKeys, 'data key')}`;
    const at = head ? `audit head #${head.seq}:${head.hash}` : 'no audit entries';
    ctx.out(
      report.outcome === 'restored'
        ? `Restored tenant ${report.tenant} into ${where}: ${what}; ${at}`
        : `Tenant ${report.tenant} in ${where} already holds exactly this export (${what}; ${at}): nothing was written`,
    );
    return EXIT.ok;
  },
};
