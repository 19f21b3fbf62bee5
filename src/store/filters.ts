import { z } from 'zod';
import type { RecordFilter } from '../adapters/contract.js';
import { ValidationError } from '../errors/index.js';
import { DELIVERY_STATUSES, NOTIFICATION_TYPES } from '../models/communication.js';
import { KYC_STATUSES } from '../models/customer.js';
import { DISPUTE_STATUSES, FINANCIAL_RECORD_TYPES, INVOICE_STATUSES } from '../models/financial-record.js';
import { FOLLOW_UP_STATUSES } from '../models/follow-up.js';
import { CHANNELS, INTERACTION_STATUSES, PURPOSES } from '../models/interaction.js';
import { CustomerIdSchema, InstantSchema, SystemNameSchema, type InstantInput } from '../models/primitives.js';
import { toValidationIssues } from '../validation/issues.js';
import { defaultMessage } from '../validation/issues.js';
import type { WritableModel } from './write-records.js';

/** One value or several (any of them matches). */
export type OneOrMany<T> = T | readonly T[];

const oneOrMany = <T extends readonly [string, ...string[]]>(values: T) =>
  z.union([z.enum(values), z.array(z.enum(values)).min(1).max(50)]);

/** Filters of `list()` and `stream()`. Every given filter must match. */
export interface ListFilter<Status extends string = string, Kind extends string = string> {
  /** Records of this customer. */
  readonly customerId?: string;
  readonly status?: OneOrMany<Status>;
  readonly kind?: OneOrMany<Kind>;
  readonly channel?: OneOrMany<(typeof CHANNELS)[number]>;
  readonly purpose?: OneOrMany<(typeof PURPOSES)[number]>;
  readonly sourceSystem?: OneOrMany<string>;
  /** Records at or after this instant (occurred, sent, issued, due...). */
  readonly from?: InstantInput;
  /** Records before this instant. */
  readonly to?: InstantInput;
  /** Records due before this instant (invoices, promises, follow-ups, KYC reviews). */
  readonly dueBefore?: InstantInput;
}

const common = {
  customerId: CustomerIdSchema.optional(),
  sourceSystem: z.union([SystemNameSchema, z.array(SystemNameSchema).min(1).max(50)]).optional(),
  from: InstantSchema.optional(),
  to: InstantSchema.optional(),
  dueBefore: InstantSchema.optional(),
  limit: z.unknown().optional(),
  cursor: z.unknown().optional(),
  order: z.unknown().optional(),
};

const FILTER_SCHEMAS: { [M in WritableModel]: z.ZodType } = {
  customer: z.strictObject({ ...common, status: oneOrMany(KYC_STATUSES).optional() }),
  interaction: z.strictObject({
    ...common,
    status: oneOrMany(INTERACTION_STATUSES).optional(),
    channel: oneOrMany(CHANNELS).optional(),
    purpose: oneOrMany(PURPOSES).optional(),
  }),
  communication: z.strictObject({
    ...common,
    status: oneOrMany(DELIVERY_STATUSES).optional(),
    channel: oneOrMany(CHANNELS).optional(),
    kind: oneOrMany(NOTIFICATION_TYPES).optional(),
  }),
  financialRecord: z.strictObject({
    ...common,
    status: oneOrMany([...new Set([...INVOICE_STATUSES, ...DISPUTE_STATUSES])] as [string, ...string[]]).optional(),
    kind: oneOrMany(FINANCIAL_RECORD_TYPES).optional(),
  }),
  followUp: z.strictObject({ ...common, status: oneOrMany(FOLLOW_UP_STATUSES).optional() }),
};

const list = (value: unknown): readonly string[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value as string];

/** Validates list options of a model and turns their filters into an adapter filter. */
export function toRecordFilter(model: WritableModel, options: unknown): RecordFilter {
  const result = FILTER_SCHEMAS[model].safeParse(options ?? {}, { error: defaultMessage, reportInput: true });
  if (!result.success) throw new ValidationError('list filter', toValidationIssues(result.error.issues));
  const f = result.data as Record<string, unknown>;
  const filter: { -readonly [K in keyof RecordFilter]: RecordFilter[K] } = {};
  if (f['customerId'] !== undefined) filter.customerIds = [f['customerId'] as string];
  const statuses = list(f['status']);
  if (statuses) filter.statuses = statuses;
  const kinds = list(f['kind']);
  if (kinds) filter.kinds = kinds;
  const channels = list(f['channel']);
  if (channels) filter.channels = channels;
  const purposes = list(f['purpose']);
  if (purposes) filter.purposes = purposes;
  const systems = list(f['sourceSystem']);
  if (systems) filter.sourceSystems = systems;
  if (f['from'] !== undefined) filter.from = f['from'] as string;
  if (f['to'] !== undefined) filter.to = f['to'] as string;
  if (f['dueBefore'] !== undefined) filter.dueBefore = f['dueBefore'] as string;
  return filter;
}
