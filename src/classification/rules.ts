import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { FINANCIAL_LINK_KINDS, PRIORITIES, type Priority } from '../models/common.js';
import { NOTIFICATION_TYPES, type NotificationType } from '../models/communication.js';
import { CHANNELS, DIRECTIONS, PURPOSES, type Channel, type Direction, type Purpose } from '../models/interaction.js';
import { TagSchema } from '../models/primitives.js';
import { defaultMessage, toValidationIssues } from '../validation/issues.js';

/** What a classifier looks at: the fields interactions and messages have in common. */
export interface ClassifiableRecord {
  readonly channel: Channel;
  readonly direction: Direction;
  readonly subject?: string | undefined;
  /** Interaction summary. */
  readonly summary?: string | undefined;
  /** Message body. */
  readonly body?: string | undefined;
  readonly notificationType?: NotificationType | undefined;
  readonly purpose?: Purpose | undefined;
  readonly links?: ReadonlyArray<{ readonly kind: string }>;
}

/** The verdict of a classifier. */
export interface Classification {
  /** The purpose to give the record, when a rule decided one. */
  readonly purpose?: Purpose;
  readonly tags: readonly string[];
  readonly priority?: Priority;
  /** Why: the rules that fired (or, for other classifiers, whatever explains the verdict), in order. */
  readonly reasons: ReadonlyArray<{ readonly rule: string; readonly because: string }>;
}

/**
 * Anything that classifies records: the rule-based classifier below, or your own model.
 * May be asynchronous (a call to a model service); it runs before the record's transaction.
 */
export interface Classifier {
  readonly name: string;
  classify(record: ClassifiableRecord): Classification | Promise<Classification>;
}

const MAX_RULES = 1_000;

/**
 * A classification rule: plain, serialisable data. Every condition given in `when` must hold; a
 * list condition holds when any of its values matches.
 */
export const ClassificationRuleSchema = z.strictObject({
  /** Stable id, reported when the rule fires. */
  id: z.string().min(1).max(64),
  description: z.string().max(500).optional(),
  when: z.strictObject({
    /** Any of these words or phrases, case-insensitive, as whole words in subject, summary or body. */
    keywords: z.array(z.string().min(1).max(100)).min(1).max(200).optional(),
    /** A regular expression (source text) tested against subject, summary and body. */
    pattern: z.string().min(1).max(500).optional(),
    /** Flags for `pattern`; `i` when not given. */
    flags: z.string().regex(/^[imsu]*$/, 'may only use the flags i, m, s and u').optional(),
    channels: z.array(z.enum(CHANNELS)).min(1).optional(),
    directions: z.array(z.enum(DIRECTIONS)).min(1).optional(),
    notificationTypes: z.array(z.enum(NOTIFICATION_TYPES)).min(1).optional(),
    /** The record links to a document of one of these kinds. */
    linkKinds: z.array(z.enum(FINANCIAL_LINK_KINDS)).min(1).optional(),
  }),
  then: z
    .strictObject({
      purpose: z.enum(PURPOSES).optional(),
      tags: z.array(TagSchema).max(20).optional(),
      priority: z.enum(PRIORITIES).optional(),
    })
    .refine((then) => then.purpose !== undefined || (then.tags?.length ?? 0) > 0 || then.priority !== undefined, {
      message: 'must set a purpose, tags or a priority',
      params: { code: 'empty_rule' },
    }),
});
export type ClassificationRule = z.input<typeof ClassificationRuleSchema>;

const RulesSchema = z.array(ClassificationRuleSchema).max(MAX_RULES).superRefine((rules, ctx) => {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `repeats the id ${rule.id}`, params: { code: 'duplicate_id' } });
    seen.add(rule.id);
    if (rule.when.pattern !== undefined) {
      try {
        new RegExp(rule.when.pattern, rule.when.flags ?? 'i');
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'when', 'pattern'],
          message: `is not a valid regular expression: ${(error as Error).message}`,
          params: { code: 'invalid_pattern' },
        });
      }
    }
  });
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface CompiledRule {
  readonly rule: z.output<typeof ClassificationRuleSchema>;
  readonly keywords?: RegExp;
  readonly pattern?: RegExp;
}

/** The rule-based classifier: synchronous, and explains each verdict. */
export interface RuleClassifier extends Classifier {
  classify(record: ClassifiableRecord): Classification;
}

/** Options of {@link ruleClassifier}. */
export interface RuleClassifierOptions {
  /** Name recorded with each classification; `rules` when not given. */
  readonly name?: string;
}

const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * A classifier driven by rules that are data: keywords, regular expressions, channel, direction,
 * notification type and linked document kinds decide a purpose, tags and a priority. Explainable:
 * the result lists every rule that fired and why.
 *
 * The first matching rule that sets a purpose decides it; tags of every matching rule are added;
 * the highest priority any matching rule sets wins.
 *
 * @example
 * ```ts
 * const classifier = ruleClassifier([
 *   { id: 'dispute-words', when: { keywords: ['dispute', 'incorrect invoice', 'overcharged'] }, then: { purpose: 'dispute', tags: ['billing'] } },
 *   { id: 'promise', when: { pattern: 'will (pay|transfer) (by|on)' }, then: { purpose: 'payment_promise' } },
 * ]);
 * classifier.classify({ channel: 'email', direction: 'inbound', subject: 'Overcharged on INV-1042' });
 * // { purpose: 'dispute', tags: ['billing'], reasons: [{ rule: 'dispute-words', because: 'keyword "overcharged"' }] }
 * ```
 * @throws {ValidationError} when a rule is malformed (with the rule's index in the path)
 */
export function ruleClassifier(rules: readonly ClassificationRule[], options: RuleClassifierOptions = {}): RuleClassifier {
  const parsed = RulesSchema.safeParse(rules, { error: defaultMessage, reportInput: true });
  if (!parsed.success) throw new ValidationError('classification rules', toValidationIssues(parsed.error.issues));
  const compiled: CompiledRule[] = parsed.data.map((rule) => ({
    rule,
    ...(rule.when.keywords
      ? { keywords: new RegExp(`(?<![\\p{L}\\p{N}])(${rule.when.keywords.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'iu') }
      : {}),
    ...(rule.when.pattern !== undefined ? { pattern: new RegExp(rule.when.pattern, rule.when.flags ?? 'i') } : {}),
  }));

  return {
    name: options.name ?? 'rules',
    classify(record) {
      const text = [record.subject, record.summary, record.body].filter((part) => typeof part === 'string').join('\n');
      let purpose: Purpose | undefined;
      let priority: Priority | undefined;
      const tags: string[] = [];
      const reasons: Array<{ rule: string; because: string }> = [];
      for (const { rule, keywords, pattern } of compiled) {
        const because = matches(rule.when, record, text, keywords, pattern);
        if (because === undefined) continue;
        reasons.push({ rule: rule.id, because });
        if (purpose === undefined && rule.then.purpose !== undefined) purpose = rule.then.purpose;
        for (const tag of rule.then.tags ?? []) if (!tags.includes(tag)) tags.push(tag);
        if (rule.then.priority !== undefined && (priority === undefined || PRIORITY_RANK[rule.then.priority] > PRIORITY_RANK[priority])) {
          priority = rule.then.priority;
        }
      }
      return { ...(purpose ? { purpose } : {}), tags, ...(priority ? { priority } : {}), reasons };
    },
  };
}

/** Why the rule matches the record, or `undefined` when it does not. */
function matches(
  when: CompiledRule['rule']['when'],
  record: ClassifiableRecord,
  text: string,
  keywords: RegExp | undefined,
  pattern: RegExp | undefined,
): string | undefined {
  const reasons: string[] = [];
  if (when.channels) {
    if (!when.channels.includes(record.channel)) return undefined;
    reasons.push(`channel ${record.channel}`);
  }
  if (when.directions) {
    if (!when.directions.includes(record.direction)) return undefined;
    reasons.push(`direction ${record.direction}`);
  }
  if (when.notificationTypes) {
    if (record.notificationType === undefined || !when.notificationTypes.includes(record.notificationType)) return undefined;
    reasons.push(`notification type ${record.notificationType}`);
  }
  if (when.linkKinds) {
    const kind = record.links?.find((link) => (when.linkKinds as readonly string[]).includes(link.kind))?.kind;
    if (kind === undefined) return undefined;
    reasons.push(`links to a ${kind}`);
  }
  if (keywords) {
    const found = keywords.exec(text);
    if (!found) return undefined;
    reasons.push(`keyword "${found[1]!.toLowerCase()}"`);
  }
  if (pattern) {
    const found = pattern.exec(text);
    if (!found) return undefined;
    reasons.push(`pattern /${pattern.source}/ matched "${found[0].slice(0, 60)}"`);
  }
  return reasons.join(', ');
}
