import type { IngestItem } from '../store/ingest.js';
import { seededRandom } from '../testing/harness.js';

/**
 * A realistic, deterministic multi-source data set: customers in a CRM and an ERP, invoices,
 * payments (early, prompt, late, partial, split across invoices), credit notes, disputes and
 * promises from the ERP, invoice notices and reminders from the mail server, customer emails logged
 * both by the mail server and by the CRM (BCC), calls logged by the phone system and again by the
 * agent in the CRM, chats and follow-ups. The same seed always gives the same data.
 */
export interface DemoOptions {
  /** Customers; 250 when not given. */
  readonly customers?: number;
  /** Months of history, ending at `end`; 12 when not given. */
  readonly months?: number;
  /** The end of the history (and the `asOf` for scores); 2026-11-01 when not given. */
  readonly end?: string;
  readonly seed?: number;
}

/** How a customer pays: days relative to the due date, and how often things go wrong. */
interface Profile {
  readonly name: 'anticipates' | 'prompt' | 'slow' | 'late' | 'delinquent' | 'disputer';
  readonly meanDelay: number;
  readonly spread: number;
  readonly disputeRate: number;
  readonly partialRate: number;
  readonly promiseRate: number;
}

const PROFILES: readonly Profile[] = [
  { name: 'anticipates', meanDelay: -20, spread: 6, disputeRate: 0, partialRate: 0, promiseRate: 0 },
  { name: 'prompt', meanDelay: 0, spread: 3, disputeRate: 0.01, partialRate: 0.02, promiseRate: 0 },
  { name: 'slow', meanDelay: 12, spread: 8, disputeRate: 0.03, partialRate: 0.08, promiseRate: 0.2 },
  { name: 'late', meanDelay: 35, spread: 15, disputeRate: 0.05, partialRate: 0.15, promiseRate: 0.5 },
  { name: 'delinquent', meanDelay: 95, spread: 40, disputeRate: 0.05, partialRate: 0.3, promiseRate: 0.7 },
  { name: 'disputer', meanDelay: 20, spread: 12, disputeRate: 0.3, partialRate: 0.1, promiseRate: 0.2 },
];
const PROFILE_WEIGHTS = [0.1, 0.4, 0.2, 0.15, 0.07, 0.08];

const FIRST = ['Acme', 'Northwind', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Soylent', 'Hooli', 'Vandelay', 'Pied Piper', 'Cyberdyne', 'Wonka', 'Gringotts', 'Oscorp', 'Monarch', 'Aperture', 'Blue Sun', 'Duff'];
const SECOND = ['Trading', 'Logistics', 'Foods', 'Industries', 'Systems', 'Retail', 'Pharma', 'Textiles', 'Media', 'Energy', 'Robotics', 'Holdings', 'Supplies', 'Motors', 'Labs'];
const SUFFIX = ['GmbH', 'Ltd', 'Inc.', 'S.A.', 'B.V.', 'AB', 'Oy', 'SRL', 'LLC', 'K.K.'];
const PEOPLE = ['Jane Roe', 'Ahmed Karim', 'Li Wei', 'María García', 'Olu Adeyemi', 'Sanna Virtanen', 'Priya Nair', 'Jonas Becker', 'Chloé Martin', 'Kenji Sato'];
const AGENTS = ['agent:maria', 'agent:omar', 'agent:lena', 'agent:tom'];
const CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'EUR', 'GBP'];

const DAY = 86_400_000;

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
function pickWeighted<T>(random: Random, items: readonly T[], weights: readonly number[]): T {
  let r = random();
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return items[i]!;
  }
  return items[items.length - 1]!;
}
/** A roughly normal value (sum of uniforms), for payment delays. */
const normal = (random: Random, mean: number, spread: number) => mean + (random() + random() + random() - 1.5) * spread * 1.15;
const iso = (ms: number) => new Date(ms).toISOString();
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** One customer of the data set, as the generator knows it (for choosing whom to show). */
export interface DemoCustomer {
  readonly index: number;
  readonly name: string;
  readonly email: string;
  readonly erpId: string;
  readonly crmId: string;
  readonly profile: Profile['name'];
}

/** The generated data: customers, and every record as ingest items in time order. */
export interface DemoDataset {
  readonly customers: readonly DemoCustomer[];
  /** Customers recorded twice (once by the ERP only), to be merged: [ERP-only duplicate's ERP id, CRM customer's ERP id]. */
  readonly duplicates: ReadonlyArray<{ readonly erpOnlyId: string; readonly crmCustomerErpId: string }>;
  readonly items: readonly IngestItem[];
  readonly asOf: string;
}

/** Generates the demo data set. Deterministic: the same options always give the same items. */
export function generateDemoDataset(options: DemoOptions = {}): DemoDataset {
  const random = seededRandom(options.seed ?? 2026);
  const count = options.customers ?? 250;
  const months = options.months ?? 12;
  const end = Date.parse(options.end ?? '2026-11-01T00:00:00Z');
  const start = end - months * 30 * DAY;
  const timed: Array<{ at: number; order: number; item: IngestItem }> = [];
  let order = 0;
  const push = (at: number, item: IngestItem) => timed.push({ at, order: order++, item });

  const customers: DemoCustomer[] = [];
  const duplicates: Array<{ erpOnlyId: string; crmCustomerErpId: string }> = [];
  const setup: IngestItem[] = [];

  for (let c = 0; c < count; c++) {
    const name = `${pick(random, FIRST)} ${pick(random, SECOND)} ${pick(random, SUFFIX)}`;
    const domain = `${slug(name)}-${c}.example`;
    const email = `ap@${domain}`;
    const erpId = `C-${10_000 + c}`;
    const crmId = `001${String(c).padStart(6, '0')}CRM`;
    const profile = pickWeighted(random, PROFILES, PROFILE_WEIGHTS);
    const currency = pick(random, CURRENCIES);
    const contact = pick(random, PEOPLE);
    const phone = `+1 415 555 ${String(1000 + c).slice(-4)}`;
    const netDays = pick(random, [14, 30, 30, 30, 45, 60]);
    customers.push({ index: c, name, email, erpId, crmId, profile: profile.name });
    setup.push({
      model: 'customer',
      data: {
        displayName: name,
        identifiers: [
          { type: 'email', value: email },
          { type: 'phone', value: phone },
          { type: 'external', system: 'crm', value: crmId },
          ...(c % 25 === 7 ? [] : [{ type: 'external', system: 'erp', value: erpId }]),
        ],
        creditTerms: { netDays, limit: { amountMinor: Math.round(20 + random() * 200) * 1_000_00, currency } },
        segment: pick(random, ['smb', 'mid-market', 'enterprise']),
        kyc: { status: 'verified', verifiedAt: iso(start - 200 * DAY), reviewDueAt: iso(start + Math.floor(random() * months * 30) * DAY + 365 * DAY) },
        tags: [profile.name === 'delinquent' ? 'watchlist' : 'standard'],
        source: { system: 'crm', externalId: crmId, version: 1 },
      },
    });
    // Every 25th customer also exists in the ERP as a separate account: merged after the import.
    if (c % 25 === 7) {
      const erpOnly = `C-${90_000 + c}`;
      duplicates.push({ erpOnlyId: erpOnly, crmCustomerErpId: erpId });
      setup.push({
        model: 'customer',
        data: {
          displayName: name.toUpperCase(),
          identifiers: [{ type: 'external', system: 'erp', value: erpOnly }],
          source: { system: 'erp', externalId: erpOnly, version: 1 },
        },
      });
    }
    const erpRef = { type: 'external' as const, system: 'erp', value: c % 25 === 7 ? `C-${90_000 + c}` : erpId };
    const mailAddress = { address: email, name: contact };
    const agent = pick(random, AGENTS);

    // Invoices: one to three a month.
    let invoiceNo = 0;
    for (let month = 0; month < months; month++) {
      const perMonth = 1 + Math.floor(random() * 3);
      for (let k = 0; k < perMonth; k++) {
        const issued = start + (month * 30 + Math.floor(random() * 28)) * DAY;
        if (issued > end - 5 * DAY) continue;
        const ref = `INV-${c}-${++invoiceNo}`;
        const due = issued + netDays * DAY;
        const amount = Math.round(500 + random() * 30_000) * 100;
        const money = { amountMinor: amount, currency };
        const invoiceItem = (status: string, version: number): IngestItem => ({
          model: 'financialRecord',
          data: { type: 'invoice', customer: erpRef, ref, issuedAt: iso(issued), dueAt: iso(due), amount: money, status, source: { system: 'erp', externalId: ref, version } },
        });
        push(issued, invoiceItem('open', 1));
        const noticeId = `notice-${ref}@billing.seller.example`;
        push(issued + 3_600_000, {
          model: 'communication',
          data: {
            channel: 'email', direction: 'outbound', from: { address: 'billing@seller.example', name: 'Billing' }, to: [mailAddress],
            subject: `Invoice ${ref}`, body: `Dear ${contact}, please find invoice ${ref} attached, due ${iso(due).slice(0, 10)}.`,
            attachments: [{ name: `${ref}.pdf`, mediaType: 'application/pdf', size: 40_000 + Math.floor(random() * 20_000) }],
            sentAt: iso(issued + 3_600_000), messageId: `<${noticeId}>`, notificationType: 'invoice_notice',
            links: [{ kind: 'invoice', ref }], source: { system: 'mail', externalId: noticeId },
          },
        });

        // Disputes: the customer calls; the phone system and the agent both log the call.
        let disputed = false;
        if (random() < profile.disputeRate) {
          disputed = true;
          const callAt = issued + (3 + Math.floor(random() * 10)) * DAY + 9 * 3_600_000;
          const callId = `CALL-${c}-${invoiceNo}`;
          const subject = `Dispute about ${ref}`;
          push(callAt, {
            model: 'interaction',
            data: {
              customer: { type: 'phone', value: phone }, channel: 'phone', direction: 'inbound', purpose: 'dispute', subject,
              occurredAt: iso(callAt), durationSeconds: 300 + Math.floor(random() * 600),
              participants: [{ role: 'customer', name: contact, address: phone }, { role: 'agent', name: agent }],
              links: [{ kind: 'invoice', ref, role: 'disputes' }], source: { system: 'phone', externalId: callId },
            },
          });
          push(callAt + 40_000, {
            model: 'interaction',
            data: {
              customer: { type: 'external', system: 'crm', value: crmId }, channel: 'phone', direction: 'inbound', purpose: 'dispute', subject,
              summary: `${contact} says the quantity on ${ref} is wrong.`, occurredAt: iso(callAt + 40_000), priority: 'high',
              links: [{ kind: 'invoice', ref, role: 'disputes' }], source: { system: 'crm', externalId: `CASE-${callId}` },
            },
          });
          const disputeRef = `DSP-${c}-${invoiceNo}`;
          const opened = callAt + 3_600_000;
          const resolved = opened + (2 + Math.floor(random() * 12)) * DAY;
          const upheld = random() < 0.6;
          const credit = Math.round(amount * (0.05 + random() * 0.25));
          push(opened, {
            model: 'financialRecord',
            data: { type: 'dispute', customer: erpRef, ref: disputeRef, invoiceRef: ref, openedAt: iso(opened), amount: { amountMinor: credit, currency }, reason: 'Quantity billed does not match delivery', source: { system: 'erp', externalId: disputeRef, version: 1 } },
          });
          if (resolved < end) {
            if (upheld) {
              push(resolved - DAY, {
                model: 'financialRecord',
                data: { type: 'credit_note', customer: erpRef, ref: `CN-${c}-${invoiceNo}`, invoiceRef: ref, issuedAt: iso(resolved - DAY), amount: { amountMinor: credit, currency }, reason: `Dispute ${disputeRef}`, source: { system: 'erp', externalId: `CN-${c}-${invoiceNo}` } },
              });
            }
            push(resolved, {
              model: 'financialRecord',
              data: {
                type: 'dispute', customer: erpRef, ref: disputeRef, invoiceRef: ref, openedAt: iso(opened), amount: { amountMinor: credit, currency },
                reason: 'Quantity billed does not match delivery', status: 'resolved', resolvedAt: iso(resolved), outcome: upheld ? 'upheld' : 'rejected',
                ...(upheld ? { resolution: { creditNoteRef: `CN-${c}-${invoiceNo}` } } : {}),
                source: { system: 'erp', externalId: disputeRef, version: 2 },
              },
            });
            // The agent closes the case in the CRM: a newer revision of the case record.
            push(resolved + 600_000, {
              model: 'interaction',
              data: {
                customer: { type: 'external', system: 'crm', value: crmId }, channel: 'phone', direction: 'inbound', purpose: 'dispute', subject,
                summary: `${contact} says the quantity on ${ref} is wrong.`, occurredAt: iso(callAt + 40_000), priority: 'high',
                status: 'resolved', outcome: { code: upheld ? 'credit_issued' : 'no_action', resolvedAt: iso(resolved + 600_000), resolvedBy: agent },
                links: [{ kind: 'invoice', ref, role: 'disputes' }], source: { system: 'crm', externalId: `CASE-${callId}`, version: 1 },
              },
            });
          }
        }

        // Payment, reminders and promises.
        const delay = Math.round(normal(random, profile.meanDelay + (disputed ? 10 : 0), profile.spread));
        const paidAt = Math.max(issued + DAY, due + delay * DAY) + 10 * 3_600_000;
        for (let r = 1; r <= 3; r++) {
          const reminderAt = due + (r * 10 - 3) * DAY + 8 * 3_600_000;
          if (reminderAt >= Math.min(paidAt, end)) break;
          const reminderId = `reminder-${r}-${ref}@billing.seller.example`;
          push(reminderAt, {
            model: 'communication',
            data: {
              channel: 'email', direction: 'outbound', from: { address: 'collections@seller.example', name: 'Collections' }, to: [mailAddress],
              subject: r === 1 ? `Reminder: ${ref} is overdue` : `Reminder ${r}: ${ref} is overdue`,
              body: `Dear ${contact}, invoice ${ref} was due on ${iso(due).slice(0, 10)}. Please pay ${(amount / 100).toFixed(2)} ${currency}.`,
              sentAt: iso(reminderAt), messageId: `<${reminderId}>`, notificationType: r === 3 ? 'dunning_letter' : 'payment_reminder',
              links: [{ kind: 'invoice', ref }], source: { system: 'mail', externalId: reminderId },
            },
          });
          if (r === 1 && random() < profile.promiseRate) {
            // The customer answers the reminder; the mail server and the CRM (BCC) both see it.
            const replyAt = reminderAt + (4 + Math.floor(random() * 40)) * 3_600_000;
            const promisedFor = replyAt + (5 + Math.floor(random() * 10)) * DAY;
            const replyId = `reply-${ref}@${domain}`;
            const reply = {
              channel: 'email', direction: 'inbound', from: mailAddress, to: [{ address: 'collections@seller.example' }],
              subject: `Re: Reminder: ${ref} is overdue`, body: `Hello, we will pay ${ref} by ${iso(promisedFor).slice(0, 10)}. Regards, ${contact}`,
              sentAt: iso(replyAt), messageId: `<${replyId}>`, inReplyTo: `<${reminderId}>`, references: [`<${reminderId}>`],
              links: [{ kind: 'invoice', ref }],
            };
            push(replyAt, { model: 'communication', data: { ...reply, source: { system: 'mail', externalId: replyId } } });
            push(replyAt + 5_000, { model: 'communication', data: { ...reply, source: { system: 'crm', externalId: `BCC-${replyId}` } } });
            push(replyAt + 60_000, {
              model: 'financialRecord',
              data: { type: 'payment_promise', customer: erpRef, ref: `PRM-${ref}`, promisedAt: iso(replyAt), dueBy: iso(promisedFor), amount: money, invoiceRefs: [ref], source: { system: 'crm', externalId: `PRM-${ref}` } },
            });
            push(replyAt + 120_000, {
              model: 'followUp',
              data: { customer: erpRef, action: `Check payment of ${ref} promised for ${iso(promisedFor).slice(0, 10)}`, dueAt: iso(promisedFor + DAY), assignee: agent, source: { system: 'crm', externalId: `FU-${ref}` } },
            });
          }
        }
        if (paidAt < end) {
          const partial = random() < profile.partialRate;
          const first = partial ? Math.round(amount * (0.3 + random() * 0.4)) : amount;
          push(paidAt, {
            model: 'financialRecord',
            data: { type: 'payment', customer: erpRef, ref: `PAY-${ref}`, receivedAt: iso(paidAt), amount: { amountMinor: first, currency }, method: 'bank_transfer', allocations: [{ invoiceRef: ref, amount: { amountMinor: first, currency } }], source: { system: 'erp', externalId: `PAY-${ref}` } },
          });
          const restAt = paidAt + (10 + Math.floor(random() * 30)) * DAY;
          if (partial && restAt < end) {
            push(restAt, {
              model: 'financialRecord',
              data: { type: 'payment', customer: erpRef, ref: `PAY-${ref}-2`, receivedAt: iso(restAt), amount: { amountMinor: amount - first, currency }, method: 'bank_transfer', allocations: [{ invoiceRef: ref, amount: { amountMinor: amount - first, currency } }], source: { system: 'erp', externalId: `PAY-${ref}-2` } },
            });
          }
          const settled = partial ? restAt : paidAt;
          if (settled < end) push(settled + 3_600_000, invoiceItem('paid', 2));
          const confirmationId = `paid-${ref}@billing.seller.example`;
          push(paidAt + 7_200_000, {
            model: 'communication',
            data: {
              channel: 'email', direction: 'outbound', from: { address: 'billing@seller.example' }, to: [mailAddress],
              subject: `Payment received for ${ref}`, body: `Thank you, ${contact}. We received your payment for ${ref}.`,
              sentAt: iso(paidAt + 7_200_000), messageId: `<${confirmationId}>`, notificationType: 'payment_confirmation',
              links: [{ kind: 'invoice', ref }], source: { system: 'mail', externalId: confirmationId },
            },
          });
        }
      }
    }

    // General contact: chats and inquiries by email.
    const contacts = 2 + Math.floor(random() * 6);
    for (let k = 0; k < contacts; k++) {
      const at = start + Math.floor(random() * (end - start - DAY));
      const chatId = `CHAT-${c}-${k}`;
      push(at, {
        model: 'interaction',
        data: {
          customer: { type: 'email', value: email }, channel: random() < 0.5 ? 'chat' : 'email', direction: 'inbound',
          purpose: pick(random, ['inquiry', 'billing_query', 'support']), subject: pick(random, ['Question about our account', 'Where is my statement?', 'Change of billing address', 'Need a copy of an invoice']),
          occurredAt: iso(at), status: 'resolved', outcome: { code: 'resolved', resolvedAt: iso(at + (1 + Math.floor(random() * 30)) * 3_600_000), resolvedBy: agent },
          source: { system: 'chat', externalId: chatId },
        },
      });
    }
  }

  timed.sort((a, b) => a.at - b.at || a.order - b.order);
  return { customers, duplicates, items: [...setup, ...timed.map((t) => t.item)], asOf: iso(end) };
}
