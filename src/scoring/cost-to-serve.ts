/**
 * Cost to serve: what the contact with a customer costs, from a cost per contact and per minute
 * for each channel.
 *
 * @module
 */
import { CHANNELS, type Channel } from '../models/interaction.js';
import { isCurrencyCode, type Money } from '../models/money.js';
import type { Contacts } from './contacts.js';
import { invalid } from './input.js';

/** Costs of contact, in minor units of `currency`. Channels left out cost nothing. */
export interface CostModel {
  readonly currency: string;
  /** Cost of one touchpoint per channel (an interaction, or a message outside an interaction). */
  readonly perContact?: Readonly<Partial<Record<Channel, number>>>;
  /** Cost per minute of interaction time (`durationSeconds`) per channel. */
  readonly perMinute?: Readonly<Partial<Record<Channel, number>>>;
}

/** Cost to serve over the window. */
export interface CostToServe {
  readonly total: Money;
  /** Cost per channel, minor units. */
  readonly byChannel: Readonly<Partial<Record<Channel, number>>>;
  /** Touchpoints costed (internal notes included: they are work too). */
  readonly contacts: number;
  /** Interaction minutes costed (seconds ÷ 60). */
  readonly minutes: number;
}

/** Checks a cost model. @internal */
export function checkCostModel(model: CostModel): CostModel {
  if (typeof model !== 'object' || model === null || !isCurrencyCode(model.currency)) {
    invalid('scoring options', ['costs', 'currency'], 'unknown_currency', 'must be an ISO 4217 currency code');
  }
  for (const key of ['perContact', 'perMinute'] as const) {
    const table = model[key];
    if (table === undefined) continue;
    for (const [channel, cost] of Object.entries(table)) {
      if (!(CHANNELS as readonly string[]).includes(channel)) invalid('scoring options', ['costs', key, channel], 'invalid_value', `must be a channel: ${CHANNELS.join(', ')}`);
      if (!Number.isSafeInteger(cost) || (cost as number) < 0) {
        invalid('scoring options', ['costs', key, channel], 'invalid_money', 'must be a non-negative integer number of minor units');
      }
    }
  }
  return model;
}

/** `numerator ÷ 60` rounded half up, exactly, for a non-negative safe integer. */
function perMinuteRounded(numerator: number): number {
  const rest = numerator % 60;
  return (numerator - rest) / 60 + (rest >= 30 ? 1 : 0);
}

/**
 * Cost to serve of the window's contacts. Each interaction costs its channel's per-contact cost
 * plus the per-minute cost of its duration; each message outside an interaction costs its
 * channel's per-contact cost. Minutes are summed per channel first and rounded half up to a whole
 * minor unit once per channel; all other arithmetic is on whole minor units. @internal
 */
export function costToServeOf(contacts: Contacts, model: CostModel): CostToServe {
  const perContact = model.perContact ?? {};
  const perMinute = model.perMinute ?? {};
  const contactsBy = new Map<Channel, number>();
  const secondsBy = new Map<Channel, number>();
  let count = 0;
  let seconds = 0;
  for (const { facts } of contacts.interactions) {
    count++;
    contactsBy.set(facts.channel, (contactsBy.get(facts.channel) ?? 0) + 1);
    const duration = facts.durationSeconds;
    if (duration !== undefined && Number.isSafeInteger(duration) && duration > 0) {
      secondsBy.set(facts.channel, (secondsBy.get(facts.channel) ?? 0) + duration);
      seconds += duration;
    }
  }
  for (const { facts } of contacts.messages) {
    if (facts.interactionId !== undefined) continue;
    count++;
    contactsBy.set(facts.channel, (contactsBy.get(facts.channel) ?? 0) + 1);
  }
  const byChannel: Partial<Record<Channel, number>> = {};
  let total = 0;
  const channels = [...new Set([...contactsBy.keys(), ...secondsBy.keys()])].sort();
  for (const channel of channels) {
    const fixed = (perContact[channel] ?? 0) * (contactsBy.get(channel) ?? 0);
    const rated = (perMinute[channel] ?? 0) * (secondsBy.get(channel) ?? 0);
    if (!Number.isSafeInteger(rated)) throw new RangeError(`the ${model.currency} cost to serve left the safe integer range`);
    const timed = perMinuteRounded(rated);
    const cost = fixed + timed;
    if (!Number.isSafeInteger(cost) || !Number.isSafeInteger(total + cost)) throw new RangeError(`the ${model.currency} cost to serve left the safe integer range`);
    byChannel[channel] = cost;
    total += cost;
  }
  return { total: { amountMinor: total, currency: model.currency }, byChannel, contacts: count, minutes: seconds / 60 };
}
