import type { AuditHead } from '../../audit/verify.js';
import { stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { plural } from '../../text/plural.js';

/** `--against <seq>:<hash>`, a head saved elsewhere (as `touchlog verify` prints it). */
function againstOption(value: string | undefined): AuditHead | undefined {
  if (value === undefined) return undefined;
  const match = /^#?(\d+)[: ]([A-Za-z0-9_-]{16,})$/.exec(value.trim());
  if (!match || !Number.isSafeInteger(Number(match[1]))) throw new UsageError('--against must be a saved head: <seq>:<hash>, as `touchlog verify` prints it', 'verify');
  return { seq: Number(match[1]), hash: match[2]! };
}

/** `touchlog verify`: checks the tenant's audit trail and the records it binds. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: "verify the tenant's audit trail and that every record is what it recorded",
  args: { min: 0, max: 0, names: '' },
  options: {
    against: { type: 'string' },
    'chain-only': { type: 'boolean' },
  },
  help: `touchlog verify [--against <seq>:<hash>] [--chain-only]

Recomputes the tenant's audit hash chain up to its stored head, then checks every record against
the last entry that wrote it. Reports the first entry that was changed, removed, inserted or
reordered, or the first record that was changed, deleted or added behind the library's back.
Exit code 5 when anything does not verify.

  --against <seq>:<hash>  a head saved earlier (printed by this command, or audit.head()): the
                          chain must still reach it. Keep heads outside the database (a log, a
                          ticket, another system): that is what catches a rewrite of the whole file.
  --chain-only            check the chain alone, not the records (faster on very large tenants)`,

  async run(ctx) {
    const against = againstOption(stringOption(ctx.values, 'against'));
    const records = ctx.values['chain-only'] !== true;
    const { log } = await ctx.openStore(true);
    const result = await log.audit.verify({ ...(against ? { against } : {}), records });
    if (ctx.json) ctx.out(JSON.stringify(result));
    else if (result.ok) {
      const bound = result.records
        ? `, ${plural(result.records.checked, 'record')} checked against the entries that last wrote them` +
          (result.records.unbound > 0 ? ` (${result.records.unbound} written before records were bound to the trail)` : '')
        : '';
      ctx.out(
        result.head
          ? `Audit trail verified: ${plural(result.entries, 'entry', 'entries')}${bound}, head #${result.head.seq}:${result.head.hash}`
          : `Audit trail verified: no entries yet${bound}`,
      );
    } else {
      const problem = result.problem!;
      const where = problem.recordId !== undefined ? `record ${problem.recordId}` : `entry #${problem.seq}`;
      ctx.out(`Audit trail does NOT verify: ${where} ${problem.kind} — ${problem.message}`);
      ctx.out(`(${plural(result.entries, 'entry', 'entries')} checked)`);
    }
    return result.ok ? EXIT.ok : EXIT.verifyFailed;
  },
};
