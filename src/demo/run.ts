import { rmSync } from 'node:fs';
import { sqliteAdapter } from '../adapters/sqlite/index.js';
import { formatMoney, type Money } from '../models/money.js';
import { ruleClassifier, type ClassificationRule } from '../classification/rules.js';
import type { CustomerScore } from '../scoring/score-customer.js';
import type { SlaPolicy } from '../sla/policies.js';
import { createTouchlog } from '../store/touchlog.js';
import type { TimelineEntry } from '../store/timeline.js';
import { noun, plural } from '../text/plural.js';
import { generateDemoDataset, type DemoOptions } from './dataset.js';

/** Options of {@link runDemo}. */
export interface RunDemoOptions extends DemoOptions {
  /** The SQLite file to build; replaced if it exists. */
  readonly filename: string;
  /** Receives each line of the report. */
  readonly write: (line: string) => void;
  /** Write one JSON document instead of the human report. */
  readonly json?: boolean;
}

/** What the demo did, for `--json` and tests. */
export interface DemoSummary {
  readonly filename: string;
  readonly items: number;
  readonly ingest: { readonly created: number; readonly updated: number; readonly unchanged: number; readonly stale: number; readonly rejected: number; readonly seconds: number };
  readonly merged: number;
  readonly customer: { readonly id: string; readonly name: string; readonly timeline: Array<{ at: string; kind: string; what: string }> };
  readonly score: unknown;
  readonly worklist: unknown;
  readonly audit: { readonly ok: boolean; readonly entries: number; readonly head: { seq: number; hash: string } | undefined };
  readonly seconds: number;
}

const money = (value: unknown) => {
  const m = value as Money | undefined;
  return m && typeof m.amountMinor === 'number' ? formatMoney(m) : '';
};

/** One line describing a timeline entry. */
function describe(entry: TimelineEntry): string {
  const r = entry.record as unknown as Record<string, unknown>;
  switch (entry.model) {
    case 'interaction':
      return `${String(r['channel'])} ${String(r['direction'])} ${String(r['purpose'])}: ${String(r['subject'] ?? '')} [${String(r['status'])}]`;
    case 'communication':
      return `${String(r['channel'])} ${String(r['direction'])}: ${String(r['subject'] ?? '')} [${String((r['delivery'] as { status: string }).status)}]`;
    case 'financialRecord':
      return `${String(r['ref'] ?? '')} ${money(r['amount'])}${r['status'] ? ` [${String(r['status'])}]` : ''}`;
    case 'followUp':
      return `${String(r['action'])} (${String(r['assignee'] ?? 'unassigned')}) [${String(r['status'])}]`;
    default:
      return '';
  }
}

/**
 * The demo: generates a realistic multi-source data set, ingests it into a SQLite file, merges the
 * customers the ERP knew under a second account, and reports one customer's merged timeline, their
 * scores with explanations, the top of the collections worklist and the audit verification.
 */
export async function runDemo(options: RunDemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const say = options.json ? () => {} : options.write;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.filename}${suffix}`, { force: true });
  const adapter = sqliteAdapter({ filename: options.filename, synchronous: 'normal', autoMigrate: true });
  try {
    const dataset = generateDemoDataset(options);
    const clock = (() => {
      let at = Date.parse(dataset.asOf);
      return () => new Date((at += 1));
    })();
    const log = createTouchlog({
      adapter,
      tenant: 'demo',
      actor: 'svc:demo-import',
      clock,
      classifier: ruleClassifier(DEMO_RULES),
      // The CRM is the system of record for cases: its copy of a call stands for it on the timeline.
      dedupe: { priority: ['crm', 'erp', 'mail', 'phone', 'chat'] },
    });
    say(`touchlog demo → ${options.filename}`);
    say(`generated ${dataset.items.length.toLocaleString('en-US')} records from crm, erp, mail, phone and chat for ${plural(dataset.customers.length, 'customer')}`);

    const ingestStart = performance.now();
    const report = await log.ingest(dataset.items, { batchSize: 1000 });
    const seconds = (performance.now() - ingestStart) / 1000;
    say(
      `ingested in ${seconds.toFixed(1)} s (${Math.round(dataset.items.length / seconds).toLocaleString('en-US')} records/s): ` +
        `${report.created} created, ${report.updated} updated by newer revisions, ${report.unchanged} unchanged, ${report.rejected} rejected`,
    );

    // Customers the ERP knew under a second account: merge them into the CRM customer.
    let merged = 0;
    for (const pair of dataset.duplicates) {
      const duplicate = await log.customers.resolve({ type: 'external', system: 'erp', value: pair.erpOnlyId });
      const customer = await log.customers.resolve({ type: 'email', value: dataset.customers.find((c) => c.erpId === pair.crmCustomerErpId)!.email });
      if (duplicate && customer && duplicate.id !== customer.id) {
        await log.withActor('user:data-steward').customers.merge(duplicate.id, { into: customer.id, reason: 'same company: ERP account matched to CRM account' });
        merged++;
      }
    }
    say(`merged ${plural(merged, 'customer')} the ERP knew under a second account`);

    // Agents answer each dispute call by email, attached to the case (deterministic delays).
    const agent = log.withActor('agent:collections');
    let answered = 0;
    for await (const call of log.interactions.stream({ purpose: 'dispute', channel: 'phone' })) {
      if (call.duplicateOf !== undefined) continue;
      const customer = await log.customers.get(call.customerId);
      const email = customer.identifiers.find((i) => i.type === 'email')?.value;
      if (!email) continue;
      const delayHours = 1 + (answered % 7);
      await agent.communications.record({
        interactionId: call.id,
        channel: 'email',
        direction: 'outbound',
        from: { address: 'collections@seller.example', name: 'Collections' },
        to: [{ address: email }],
        subject: `Re: ${call.subject ?? 'your call'}`,
        body: 'Thank you for your call. We are checking the delivery note and will come back to you.',
        sentAt: new Date(Date.parse(call.occurredAt) + delayHours * 3_600_000),
        links: call.links,
        source: { system: 'mail', externalId: `answer-${call.id}@seller.example` },
      });
      answered++;
    }
    say(`agents answered ${plural(answered, 'dispute call')} by email`);

    // One customer with a dispute, promises and reminders: the interesting story.
    const chosen =
      dataset.customers.find((c) => c.profile === 'disputer' && c.index % 25 === 7) ??
      dataset.customers.find((c) => c.profile === 'disputer') ??
      dataset.customers[0]!;
    const customer = (await log.customers.resolve({ type: 'email', value: chosen.email }))!;
    const entries: TimelineEntry[] = [];
    for await (const entry of log.timeline.stream(customer.id, { from: new Date(Date.parse(dataset.asOf) - 120 * 86_400_000) })) entries.push(entry);
    const timeline = entries.map((entry) => ({ at: entry.at, kind: entry.kind, what: describe(entry) }));
    say('');
    say(`${customer.displayName} — the last 120 days of the merged timeline (${plural(entries.length, 'entry', 'entries')}):`);
    for (const line of timeline.slice(-30)) say(`  ${line.at.slice(0, 16).replace('T', ' ')}  ${line.kind.padEnd(18)} ${line.what}`);

    const score = await log.score.customer(customer.id, { asOf: dataset.asOf, rates: DEMO_RATES });
    say('');
    say(`scores as of ${dataset.asOf.slice(0, 10)}:`);
    for (const line of describeScore(score)) say(`  ${line}`);

    const worklist = await log.score.worklist({ asOf: dataset.asOf, limit: 10, rates: DEMO_RATES });
    say('');
    say(`collections worklist (top ${worklist.entries.length} of ${plural(worklist.customersScored, 'customer')}):`);
    for (const [i, entry] of worklist.entries.entries()) {
      const pastDue = Object.entries(entry.pastDue)
        .map(([currency, amountMinor]) => formatMoney({ amountMinor: amountMinor as number, currency }))
        .join(' + ');
      say(
        `  ${String(i + 1).padStart(2)}. ${(entry.name ?? entry.customerId).padEnd(36)} past due ${pastDue.padEnd(14)} ` +
          `oldest ${String(entry.oldestDaysPastDue).padStart(3)} d  risk ${entry.risk === null ? '—' : entry.risk.toFixed(0)} ${entry.grade ?? ''}` +
          `  ${entry.topFactors.map((f) => f.factor).join(', ')}`,
      );
    }

    // Cash-in over the next four weeks, and when the chosen customer's open invoices should be paid.
    const cash = await log.forecast.cash({ asOf: dataset.asOf, weeks: 4 });
    say('');
    say(`cash-in forecast, next 4 weeks (${cash.invoices} open invoices):`);
    for (const currency of cash.currencies) {
      const last = cash.byCurrency[currency]!.periods.at(-1)!;
      const m = (amountMinor: number) => formatMoney({ amountMinor, currency });
      say(`  ${currency}: ${m(last.cumulativeExpectedMinor)} expected by ${last.to} (P10 ${m(last.cumulativeLowMinor)}, P90 ${m(last.cumulativeHighMinor)}) of ${m(cash.byCurrency[currency]!.openMinor)} open`);
    }
    for (const invoice of (await log.forecast.customer(customer.id, { asOf: dataset.asOf, weeks: 4 })).invoices.slice(0, 3)) {
      say(`  ${customer.displayName} ${invoice.ref}: expected ${invoice.expectedOn} (P10 ${invoice.p10On}, P90 ${invoice.p90On}), ${invoice.reasons.map((r) => r.code).join(', ')}`);
    }

    const sla = await log.sla.summary({ policies: DEMO_SLAS, asOf: dataset.asOf, from: new Date(Date.parse(dataset.asOf) - 90 * 86_400_000) });
    say('');
    say('service levels, last 90 days:');
    for (const policy of sla) {
      const rate = (tally: { breachRate: number | undefined }) => (tally.breachRate === undefined ? '—' : `${(tally.breachRate * 100).toFixed(0)}% breached`);
      say(`  ${policy.policy.padEnd(10)} ${String(policy.interactions).padStart(5)} ${noun(policy.interactions, 'interaction', 'interactions')}  first response ${rate(policy.firstResponse)}, resolution ${rate(policy.resolution)}`);
    }
    const classified = (await log.interactions.list({ purpose: 'dispute', limit: 1 })).items[0]?.classification;
    if (classified) say(`  classification example: ${classified.reasons.map((r) => `${r.rule} (${r.because})`).join('; ')}`);

    const head = await log.audit.head();
    const verification = await log.audit.verify({ ...(head ? { against: head } : {}) });
    say('');
    say(
      verification.ok
        ? `audit trail: ${verification.entries.toLocaleString('en-US')} entries, hash chain valid (head #${head?.seq} ${head?.hash.slice(0, 16)}…)`
        : `audit trail: BROKEN — ${verification.problem?.message}`,
    );
    const summary: DemoSummary = {
      filename: options.filename,
      items: dataset.items.length,
      ingest: { created: report.created, updated: report.updated, unchanged: report.unchanged, stale: report.stale, rejected: report.rejected, seconds },
      merged,
      customer: { id: customer.id, name: customer.displayName, timeline },
      score,
      worklist,
      audit: { ok: verification.ok, entries: verification.entries, head },
      seconds: (performance.now() - started) / 1000,
    };
    say(`done in ${summary.seconds.toFixed(1)} s`);
    if (options.json) options.write(JSON.stringify(summary, null, 2));
    return summary;
  } finally {
    await adapter.close();
  }
}

/** Classification rules applied as the demo data is ingested (tags and purposes left open by the sources). */
const DEMO_RULES: ClassificationRule[] = [
  { id: 'dispute-words', when: { keywords: ['dispute', 'wrong', 'charged twice'], directions: ['inbound'] }, then: { tags: ['billing-dispute'], priority: 'high' } },
  { id: 'promise', when: { pattern: 'we will pay' }, then: { purpose: 'payment_promise', tags: ['promise-to-pay'] } },
  { id: 'dunning', when: { notificationTypes: ['payment_reminder', 'dunning_letter'] }, then: { tags: ['dunning'] } },
];

/** Service levels the demo reports on. */
const DEMO_SLAS: SlaPolicy[] = [
  { id: 'disputes', match: { purposes: ['dispute'] }, firstResponseHours: 4, resolutionDays: 10 },
  { id: 'inbound', match: { channels: ['chat', 'email'] }, resolutionDays: 2 },
];

/** What one major unit of each demo currency is worth in USD, to rank a worklist across currencies. */
const DEMO_RATES = { USD: 1, EUR: 1.08, GBP: 1.27 } as const;

const fixed = (value: number | null, digits = 1) => (value === null ? '—' : value.toFixed(digits));
const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(0)}%`);

/** Human lines for a customer's scores: payment behaviour, signals, and every risk factor with its reason. */
function describeScore(score: CustomerScore): string[] {
  const lines: string[] = [];
  for (const [currency, figures] of Object.entries(score.payment.byCurrency)) {
    lines.push(
      `payment (${currency}): ${figures.invoices} invoices due, PAYDEX ${figures.paydex ?? '—'}, ` +
        `${fixed(figures.averageDaysBeyondTerms)} days beyond terms (amount-weighted), ${percent(figures.onTimeShare)} paid on time, ` +
        `DSO ${fixed(figures.receivables.dso)} d, trend ${figures.trend.direction}`,
    );
    const ageing = figures.ageing;
    const m = (amountMinor: number) => formatMoney({ amountMinor, currency });
    lines.push(
      `  open AR: current ${m(ageing.current)}, 1–30 ${m(ageing.days1to30)}, 31–60 ${m(ageing.days31to60)}, ` +
        `61–90 ${m(ageing.days61to90)}, 90+ ${m(ageing.over90)}`,
    );
  }
  const s = score.signals;
  lines.push(
    `signals: ${s.disputes.count} disputes (${Object.entries(s.disputes.disputedShare).map(([c, share]) => `${percent(share)} of ${c} billed`).join(', ') || 'nothing billed'}), ` +
      `${s.reminders.sent} reminders, ` +
      `promises kept ${percent(s.promises.keptRatio)}, ${s.billingQueries.count} billing queries, last contact ${s.contact.daysSinceLastContact ?? '—'} days ago`,
  );
  const risk = score.risk;
  lines.push(risk.available ? `risk: ${risk.score.toFixed(0)}/100, grade ${risk.grade}` : `risk: unavailable — ${risk.message}`);
  for (const factor of risk.factors) {
    lines.push(`  ${factor.factor.padEnd(20)} ${factor.points.toFixed(1).padStart(5)} pts  ${factor.explanation}`);
  }
  return lines;
}
