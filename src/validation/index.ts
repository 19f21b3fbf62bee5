import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors/index.js';
import { CommunicationInputSchema, CommunicationPatchSchema } from '../models/communication.js';
import { CustomerInputSchema, CustomerPatchSchema } from '../models/customer.js';
import { FinancialRecordInputSchema } from '../models/financial-record.js';
import { FollowUpInputSchema, FollowUpPatchSchema } from '../models/follow-up.js';
import { InteractionInputSchema, InteractionPatchSchema } from '../models/interaction.js';
import { LIMITS } from '../models/limits.js';
import { defaultMessage, toValidationIssues } from './issues.js';

/** The result of a `validate*` call: the normalised value, or every problem found. */
export type ValidationResult<T> = { success: true; data: T } | { success: false; error: ValidationError };

/**
 * A validator for one model: `parse` throws a {@link ValidationError}, `validate` returns a
 * {@link ValidationResult}. Both run zod's compiled fast path for valid input and its full parser
 * for invalid input, so errors are as detailed as the uncompiled schema's.
 */
export interface Validator<Input, Output> {
  /** Name used in error messages, e.g. `interaction`. */
  readonly subject: string;
  /** The zod schema (uncompiled), for composition and JSON Schema. */
  readonly schema: z.ZodType<Output, Input>;
  parse(input: unknown): Output;
  validate(input: unknown): ValidationResult<Output>;
  /** Validates a whole batch; issue paths start with the item index. Fails if any item fails. */
  validateMany(inputs: readonly unknown[]): ValidationResult<Output[]>;
  /** Like {@link validateMany} but throws. */
  parseMany(inputs: readonly unknown[]): Output[];
  /** Validates one item and returns its issues (empty when valid) with paths under `basePath`. */
  check(input: unknown, basePath?: ReadonlyArray<string | number>): { data?: Output; issues: ValidationIssue[] };
}

const parseOptions = { error: defaultMessage, reportInput: true } as const;

/** Builds a {@link Validator} for a schema. Used for every model; exported for callers' own schemas. */
export function createValidator<S extends z.ZodType>(subject: string, schema: S): Validator<z.input<S>, z.output<S>> {
  // Compiled on first use: importing touchlog costs nothing for validators that are never used.
  let compiled: S | undefined;

  function check(input: unknown, basePath: ReadonlyArray<string | number> = []) {
    let result: z.ZodSafeParseResult<z.output<S>>;
    try {
      compiled ??= z.compile(schema);
      result = compiled.safeParse(input, parseOptions);
    } catch {
      // A getter that throws, a revoked Proxy...: the value cannot be read, which is a validation
      // problem of the caller's input, not a crash of ours.
      return { issues: [{ code: 'unreadable_input', path: [...basePath], message: 'could not be read (a property getter or proxy threw)' }] };
    }
    return result.success ? { data: result.data, issues: [] } : { issues: toValidationIssues(result.error.issues, basePath) };
  }

  function validateMany(inputs: readonly unknown[]): ValidationResult<z.output<S>[]> {
    if (!Array.isArray(inputs)) {
      return { success: false, error: new ValidationError(`${subject} batch`, [{ code: 'invalid_type', path: [], message: 'must be an array' }]) };
    }
    if (inputs.length > LIMITS.batchSize) {
      return {
        success: false,
        error: new ValidationError(`${subject} batch`, [
          { code: 'too_big', path: [], message: `must have at most ${LIMITS.batchSize} items; use ingest() for more` },
        ]),
      };
    }
    const data: z.output<S>[] = [];
    const issues: ValidationIssue[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const item = check(inputs[i], [i]);
      if (item.issues.length > 0) issues.push(...item.issues);
      else data.push(item.data as z.output<S>);
    }
    return issues.length > 0 ? { success: false, error: new ValidationError(`${subject} batch`, issues) } : { success: true, data };
  }

  return {
    subject,
    schema: schema as unknown as z.ZodType<z.output<S>, z.input<S>>,
    check,
    validate(input) {
      const { data, issues } = check(input);
      return issues.length > 0 ? { success: false, error: new ValidationError(subject, issues) } : { success: true, data: data as z.output<S> };
    },
    parse(input) {
      const { data, issues } = check(input);
      if (issues.length > 0) throw new ValidationError(subject, issues);
      return data as z.output<S>;
    },
    validateMany,
    parseMany(inputs) {
      const result = validateMany(inputs);
      if (!result.success) throw result.error;
      return result.data;
    },
  };
}

export const customerValidator = createValidator('customer', CustomerInputSchema);
export const customerPatchValidator = createValidator('customer update', CustomerPatchSchema);
export const interactionValidator = createValidator('interaction', InteractionInputSchema);
export const interactionPatchValidator = createValidator('interaction update', InteractionPatchSchema);
export const communicationValidator = createValidator('communication', CommunicationInputSchema);
export const communicationPatchValidator = createValidator('communication update', CommunicationPatchSchema);
export const financialRecordValidator = createValidator('financial record', FinancialRecordInputSchema);
export const followUpValidator = createValidator('follow-up', FollowUpInputSchema);
export const followUpPatchValidator = createValidator('follow-up update', FollowUpPatchSchema);

/** Validates and normalises a customer; throws {@link ValidationError}. */
export const parseCustomer = customerValidator.parse;
/** Validates and normalises a customer without throwing. */
export const validateCustomer = customerValidator.validate;
export const parseInteraction = interactionValidator.parse;
export const validateInteraction = interactionValidator.validate;
export const parseCommunication = communicationValidator.parse;
export const validateCommunication = communicationValidator.validate;
export const parseFinancialRecord = financialRecordValidator.parse;
export const validateFinancialRecord = financialRecordValidator.validate;
export const parseFollowUp = followUpValidator.parse;
export const validateFollowUp = followUpValidator.validate;
