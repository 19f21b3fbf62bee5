/**
 * Recency, frequency and channel mix of contact with a customer.
 *
 * A touchpoint is an interaction, or a message that is not part of an interaction (a message
 * inside one is part of that touchpoint). Internal notes are not contact with the customer.
 *
 * @module
 */
import type { Channel } from '../models/interaction.js';
import type { Contacts } from './contacts.js';
import { MS_PER_DAY } from './days.js';

/** Recency and frequency of contact in the window. */
export interface ContactSignals {
  /** Latest contact of either side (any interaction or message) in the window; `null` when none. */
  readonly lastContactAt: string | null;
  /** `asOf` day minus the day of the last contact. */
  readonly daysSinceLastContact: number | null;
  readonly lastInboundAt: string | null;
  readonly daysSinceLastInbound: number | null;
  readonly lastOutboundAt: string | null;
  readonly daysSinceLastOutbound: number | null;
  /** Touchpoints in the window. */
  readonly touchpoints: number;
  readonly inbound: number;
  readonly outbound: number;
  /** Touchpoints per 30 days of the window. */
  readonly perMonth: number;
  readonly inboundPerMonth: number;
  readonly outboundPerMonth: number;
}

/** Touchpoints per channel, and their share of all touchpoints. */
export type ChannelMix = Readonly<Partial<Record<Channel, { readonly count: number; readonly share: number }>>>;

/** Recency and frequency of contact. @internal */
export function contactSignalsOf(contacts: Contacts): ContactSignals {
  let last = -Infinity;
  let lastIn = -Infinity;
  let lastOut = -Infinity;
  let touchpoints = 0;
  let inbound = 0;
  let outbound = 0;
  const seen = (direction: string, ms: number, touchpoint: boolean) => {
    if (direction === 'internal') return;
    if (ms > last) last = ms;
    if (direction === 'inbound') {
      if (ms > lastIn) lastIn = ms;
      if (touchpoint) inbound++;
    } else {
      if (ms > lastOut) lastOut = ms;
      if (touchpoint) outbound++;
    }
    if (touchpoint) touchpoints++;
  };
  for (const { facts, ms } of contacts.interactions) seen(facts.direction, ms, true);
  for (const { facts, ms } of contacts.messages) seen(facts.direction, ms, facts.interactionId === undefined);
  const days = contacts.day - contacts.startDay + 1;
  const at = (ms: number) => (ms === -Infinity ? null : new Date(ms).toISOString());
  const since = (ms: number) => (ms === -Infinity ? null : contacts.day - Math.floor(ms / MS_PER_DAY));
  return {
    lastContactAt: at(last),
    daysSinceLastContact: since(last),
    lastInboundAt: at(lastIn),
    daysSinceLastInbound: since(lastIn),
    lastOutboundAt: at(lastOut),
    daysSinceLastOutbound: since(lastOut),
    touchpoints,
    inbound,
    outbound,
    perMonth: (touchpoints * 30) / days,
    inboundPerMonth: (inbound * 30) / days,
    outboundPerMonth: (outbound * 30) / days,
  };
}

/** Channel mix of the window's touchpoints. @internal */
export function channelMixOf(contacts: Contacts): ChannelMix {
  const counts = new Map<Channel, number>();
  let total = 0;
  const count = (channel: Channel) => {
    counts.set(channel, (counts.get(channel) ?? 0) + 1);
    total++;
  };
  for (const { facts } of contacts.interactions) if (facts.direction !== 'internal') count(facts.channel);
  for (const { facts } of contacts.messages) if (facts.direction !== 'internal' && facts.interactionId === undefined) count(facts.channel);
  const mix: Partial<Record<Channel, { count: number; share: number }>> = {};
  for (const channel of [...counts.keys()].sort()) {
    const n = counts.get(channel)!;
    mix[channel] = { count: n, share: n / total };
  }
  return mix;
}
