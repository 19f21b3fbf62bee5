/**
 * Validation throughput: full touchlog validation of realistic interactions, against zod's own
 * plain (uncompiled) `.parse` of an equivalent flat schema, measured in the same run.
 *
 *   npm run bench:validate [-- --records 100000 --rounds 5]
 */
import { z } from 'zod';
import { interactionValidator } from '../src/index.js';
import { benchInteraction } from './data.js';
import { argNumber, median, printTable } from './util.js';

const records = argNumber('records', 100_000);
const rounds = argNumber('rounds', 5);

/** The same shape as plain zod would write it: no transforms, no refinements, no limits. */
const flatSchema = z.object({
  customer: z.object({ type: z.string(), system: z.string(), value: z.string() }),
  channel: z.string(),
  direction: z.string(),
  purpose: z.string(),
  subject: z.string(),
  summary: z.string(),
  occurredAt: z.string(),
  durationSeconds: z.number(),
  participants: z.array(z.object({ role: z.string(), name: z.string(), address: z.string() })),
  source: z.object({ system: z.string(), externalId: z.string(), version: z.number() }),
  status: z.string(),
  links: z.array(z.object({ kind: z.string(), ref: z.string(), amount: z.object({ amountMinor: z.number(), currency: z.string() }) })),
  tags: z.array(z.string()),
  priority: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

const inputs = Array.from({ length: records }, (_, i) => benchInteraction(i));

function measure(parse: (input: unknown) => unknown): number {
  const started = performance.now();
  for (const input of inputs) parse(input);
  return records / ((performance.now() - started) / 1000);
}

const touchlog: number[] = [];
const plain: number[] = [];
measure((input) => interactionValidator.parse(input)); // warm-up: compile and JIT
measure((input) => flatSchema.parse(input));
for (let round = 0; round < rounds; round++) {
  touchlog.push(measure((input) => interactionValidator.parse(input)));
  plain.push(measure((input) => flatSchema.parse(input)));
}

const touchlogRate = median(touchlog);
const plainRate = median(plain);
printTable(`validate: ${records} interactions, median of ${rounds} rounds`, [
  ['touchlog parseInteraction (compiled, full checks)', `${(touchlogRate / 1e6).toFixed(2)}M records/s`],
  ['zod .parse, equivalent flat schema (baseline)', `${(plainRate / 1e6).toFixed(2)}M records/s`],
  ['ratio touchlog / baseline', `${(touchlogRate / plainRate).toFixed(2)}x`],
]);
