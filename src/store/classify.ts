import type { Classification, Classifier } from '../classification/rules.js';
import { LIMITS } from '../models/limits.js';
import type { ValidInputs, WritableModel } from './write-records.js';

const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 } as const;

/**
 * Runs the configured classifier over the interactions and messages of a batch, before its
 * transaction (a classifier may call a slow model service). Other models are not classified.
 */
export async function classifyInputs<M extends WritableModel>(
  classifier: Classifier | undefined,
  model: M,
  inputs: readonly ValidInputs[M][],
): Promise<Array<Classification | undefined> | undefined> {
  if (!classifier || (model !== 'interaction' && model !== 'communication')) return undefined;
  return Promise.all(inputs.map(async (input) => classifier.classify(input as ValidInputs['interaction' | 'communication'])));
}

/**
 * The input with a classification applied: the purpose only where the caller left it `other`,
 * tags added, the priority only raised — a classifier never overrides what the caller said.
 * Returns the note that explains it, or nothing when the classification changed nothing.
 */
export function applyClassification<M extends WritableModel>(
  classifierName: string,
  model: M,
  input: ValidInputs[M],
  classification: Classification | undefined,
): { input: ValidInputs[M]; note?: { classifier: string; reasons: Array<{ rule: string; because: string }> } } {
  if (!classification || classification.reasons.length === 0) return { input };
  if (model !== 'interaction' && model !== 'communication') return { input };
  const record = input as ValidInputs['interaction'] | ValidInputs['communication'];
  const tags = [...record.tags];
  for (const tag of classification.tags) if (!tags.includes(tag) && tags.length < LIMITS.listItems) tags.push(tag);
  const next: Record<string, unknown> = { ...record, tags };
  if (model === 'interaction') {
    const interaction = record as ValidInputs['interaction'];
    if (interaction.purpose === 'other' && classification.purpose) next['purpose'] = classification.purpose;
    if (classification.priority && PRIORITY_RANK[classification.priority] > PRIORITY_RANK[interaction.priority]) {
      next['priority'] = classification.priority;
    }
  }
  return {
    input: next as ValidInputs[M],
    note: { classifier: classifierName, reasons: classification.reasons.map(({ rule, because }) => ({ rule, because })) },
  };
}
