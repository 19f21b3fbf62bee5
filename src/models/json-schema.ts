import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { AuditEntrySchema } from './audit-entry.js';
import { CommunicationInputSchema, CommunicationSchema } from './communication.js';
import { CustomerInputSchema, CustomerSchema } from './customer.js';
import { FinancialRecordInputSchema, FinancialRecordSchema } from './financial-record.js';
import { FollowUpInputSchema, FollowUpSchema } from './follow-up.js';
import { InteractionInputSchema, InteractionSchema } from './interaction.js';

/** Every model, as callers pass it (`input`) and as touchlog stores and returns it (`stored`). */
export const MODEL_SCHEMAS = {
  customer: { input: CustomerInputSchema, stored: CustomerSchema },
  interaction: { input: InteractionInputSchema, stored: InteractionSchema },
  communication: { input: CommunicationInputSchema, stored: CommunicationSchema },
  financialRecord: { input: FinancialRecordInputSchema, stored: FinancialRecordSchema },
  followUp: { input: FollowUpInputSchema, stored: FollowUpSchema },
  auditEntry: { input: AuditEntrySchema, stored: AuditEntrySchema },
} as const;

export type ModelName = keyof typeof MODEL_SCHEMAS;
export const MODEL_NAMES = Object.keys(MODEL_SCHEMAS) as ModelName[];

/**
 * JSON Schema (draft 2020-12) of a model, for systems that do not run TypeScript.
 *
 * `form: 'input'` describes what touchlog accepts (instants as ISO-8601 strings with an offset);
 * `form: 'stored'` describes what it returns and exports. Checks that JSON Schema cannot express
 * (calendar validity of dates, metadata depth and size, cross-field rules) are stated in
 * `description`s and enforced by touchlog itself.
 *
 * @example
 * ```ts
 * const schema = toJSONSchema('interaction');
 * new Ajv2020().compile(schema)(record);
 * ```
 */
export function toJSONSchema(model: ModelName, options: { form?: 'input' | 'stored' } = {}): Record<string, unknown> {
  const form = options?.form ?? 'input';
  if (typeof model !== 'string' || !Object.hasOwn(MODEL_SCHEMAS, model)) {
    throw new ValidationError('JSON Schema request', [{ code: 'invalid_value', path: ['model'], message: `must be one of ${MODEL_NAMES.join(', ')}` }]);
  }
  if (form !== 'input' && form !== 'stored') {
    throw new ValidationError('JSON Schema request', [{ code: 'invalid_value', path: ['form'], message: 'must be "input" or "stored"' }]);
  }
  const schema = MODEL_SCHEMAS[model][form];
  return z.toJSONSchema(schema, {
    io: form === 'input' ? 'input' : 'output',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
}
