/**
 * One customer's March, as five feeds see it: the mail server, the CRM, the phone system and two
 * ERP exports (the second one a later, corrected export). Among the entries:
 * - the invoice email, seen by the mail server and by the CRM's BCC copy (same Message-ID, the
 *   CRM logged it 2 s later and without the body);
 * - a customer reply, and its internal forward logged by the mail server and by the CRM's
 *   email-to-case (no Message-ID, 20 s later, different prefix and spacing);
 * - the same call logged by the phone system and by the agent in the CRM 40 s apart, while another
 *   customer calls in between, and a second, unrelated call later that day;
 * - a payment reminder sent by the ERP and logged by the CRM's email sync 30 s later;
 * - two statements with the same subject and text a month apart;
 * - an invoice issued in both ERP exports (same source key; the later export corrected it), and a
 *   dispute opened and resolved the same morning (same source record, two kinds of event).
 */
import type { TimelineItem } from 'touchlog';

export const ACME = '01JQ0000000000000000000001';
export const GLOBEX = '01JQ0000000000000000000002';
export const PRIORITY = ['erp', 'crm', 'mail', 'phone'];

const email = { kind: 'communication', customerId: ACME, channel: 'email' } as const;

export const mail: TimelineItem[] = [
  {
    ...email,
    id: 'mail:5001',
    at: '2026-03-02T08:00:00.000Z',
    source: { system: 'mail', externalId: 'MSG-5001' },
    direction: 'outbound',
    subject: 'Invoice INV-1042',
    body: 'Please find attached invoice INV-1042 for EUR 18,500.00, due 31 March.',
    messageId: 'inv-1042@seller.example',
    recordedAt: '2026-03-02T08:00:05.000Z',
  },
  {
    ...email,
    id: 'mail:5002',
    at: '2026-03-03T09:12:00.000Z',
    source: { system: 'mail', externalId: 'MSG-5002' },
    direction: 'inbound',
    subject: 'RE: Invoice INV-1042',
    body: 'We will check the freight line and come back to you.',
    messageId: 'CAF-7781@acme.example',
    recordedAt: '2026-03-03T09:12:04.000Z',
  },
  {
    ...email,
    id: 'mail:5003',
    at: '2026-03-03T09:30:00.000Z',
    source: { system: 'mail', externalId: 'MSG-5003' },
    direction: 'internal',
    subject: 'Fwd: RE: Invoice INV-1042',
    body: 'Maria, can you look at the freight line? See below.',
    messageId: 'fwd-1@seller.example',
    recordedAt: '2026-03-03T09:30:03.000Z',
  },
  {
    ...email,
    id: 'mail:5004',
    at: '2026-03-31T07:00:00.000Z',
    source: { system: 'mail', externalId: 'MSG-5004' },
    direction: 'outbound',
    subject: 'Statement of account',
    body: 'Please find your statement of account attached.',
    messageId: 'stmt-2026-03@seller.example',
    recordedAt: '2026-03-31T07:00:02.000Z',
  },
];

export const crm: TimelineItem[] = [
  {
    ...email,
    id: 'crm:ACT-1',
    at: '2026-03-02T08:00:02.000Z',
    source: { system: 'crm', externalId: 'ACT-1' },
    direction: 'outbound',
    subject: 'Invoice INV-1042',
    messageId: 'inv-1042@seller.example',
    recordedAt: '2026-03-02T08:01:00.000Z',
  },
  {
    ...email,
    id: 'crm:ACT-2',
    at: '2026-03-03T09:30:20.000Z',
    source: { system: 'crm', externalId: 'ACT-2' },
    direction: 'internal',
    subject: 'FW: RE: Invoice INV-1042',
    body: 'Maria, can you look at the freight line?  See below.',
    recordedAt: '2026-03-03T09:31:00.000Z',
  },
  {
    kind: 'interaction',
    customerId: ACME,
    id: 'crm:ACT-3',
    at: '2026-03-04T10:00:40.000Z',
    source: { system: 'crm', externalId: 'ACT-3' },
    channel: 'phone',
    direction: 'inbound',
    subject: 'Promise to pay INV-1042',
    body: 'Customer will pay INV-1042 on Friday 6 March.',
    recordedAt: '2026-03-04T10:05:00.000Z',
  },
  {
    ...email,
    id: 'crm:ACT-4',
    at: '2026-03-10T06:00:30.000Z',
    source: { system: 'crm', externalId: 'ACT-4' },
    direction: 'outbound',
    subject: 'payment reminder:  INV-1042',
    body: 'Invoice INV-1042 over EUR 18,500.00 is now  overdue.\n',
    recordedAt: '2026-03-10T06:01:00.000Z',
  },
];

const call = { kind: 'interaction', channel: 'phone' } as const;

export const phone: TimelineItem[] = [
  {
    ...call,
    id: 'phone:CALL-88812',
    at: '2026-03-04T10:00:00.000Z',
    source: { system: 'phone', externalId: 'CALL-88812' },
    customerId: ACME,
    direction: 'inbound',
    body: 'Inbound call from +49 30 1234567, 4 min 12 s',
    recordedAt: '2026-03-04T10:04:30.000Z',
  },
  {
    ...call,
    id: 'phone:CALL-88813',
    at: '2026-03-04T10:00:20.000Z',
    source: { system: 'phone', externalId: 'CALL-88813' },
    customerId: GLOBEX,
    direction: 'inbound',
    body: 'Inbound call from +1 212 555 0100, 1 min 3 s',
    recordedAt: '2026-03-04T10:01:40.000Z',
  },
  {
    ...call,
    id: 'phone:CALL-88990',
    at: '2026-03-04T15:30:00.000Z',
    source: { system: 'phone', externalId: 'CALL-88990' },
    customerId: ACME,
    direction: 'inbound',
    body: 'Inbound call from +49 30 1234567, 0 min 40 s',
    recordedAt: '2026-03-04T15:31:00.000Z',
  },
];

export const erp: TimelineItem[] = [
  {
    ...email,
    id: 'erp:STMT-2026-02',
    at: '2026-03-01T07:00:00.000Z',
    source: { system: 'erp', externalId: 'STMT-2026-02' },
    direction: 'outbound',
    subject: 'Statement of account',
    body: 'Please find your statement of account attached.',
    recordedAt: '2026-03-01T07:00:00.000Z',
  },
  {
    id: 'erp:INV-1042:issued',
    at: '2026-03-02T00:00:00.000Z',
    kind: 'invoice_issued',
    source: { system: 'erp', externalId: 'INV-1042', version: 1 },
    customerId: ACME,
    subject: 'Invoice INV-1042 issued',
    recordedAt: '2026-03-02T00:00:00.000Z',
  },
  {
    id: 'erp:DSP-77:opened',
    at: '2026-03-05T09:00:00.000Z',
    kind: 'dispute_opened',
    source: { system: 'erp', externalId: 'DSP-77' },
    customerId: ACME,
    subject: 'Dispute DSP-77 on INV-1042 opened',
    recordedAt: '2026-03-05T09:20:00.000Z',
  },
  {
    id: 'erp:DSP-77:resolved',
    at: '2026-03-05T09:20:00.000Z',
    kind: 'dispute_resolved',
    source: { system: 'erp', externalId: 'DSP-77' },
    customerId: ACME,
    subject: 'Dispute DSP-77 on INV-1042 resolved',
    recordedAt: '2026-03-05T09:20:00.000Z',
  },
  {
    ...email,
    id: 'erp:DUN-1042-1',
    at: '2026-03-10T06:00:00.000Z',
    source: { system: 'erp', externalId: 'DUN-1042-1' },
    direction: 'outbound',
    subject: 'Payment reminder: INV-1042',
    body: 'Invoice INV-1042 over EUR 18,500.00 is now overdue.',
    recordedAt: '2026-03-10T06:00:00.000Z',
  },
  {
    id: 'erp:INV-1042:due',
    at: '2026-03-31T00:00:00.000Z',
    kind: 'invoice_due',
    source: { system: 'erp', externalId: 'INV-1042', version: 1 },
    customerId: ACME,
    subject: 'Invoice INV-1042 due',
    recordedAt: '2026-03-02T00:00:00.000Z',
  },
];

/** A later export of the ERP: the invoice was corrected (version 2). */
export const erpExport2: TimelineItem[] = [
  {
    id: 'erp2:INV-1042:issued',
    at: '2026-03-02T00:00:00.000Z',
    kind: 'invoice_issued',
    source: { system: 'erp', externalId: 'INV-1042', version: 2 },
    customerId: ACME,
    subject: 'Invoice INV-1042 issued (corrected freight line)',
    recordedAt: '2026-03-05T12:00:00.000Z',
  },
];

export const feeds = [mail, crm, phone, erp, erpExport2];
