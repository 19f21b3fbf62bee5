import type { RecordRow } from '../adapters/contract.js';
import { NotFoundError, UnknownCustomerError } from '../errors/index.js';
import type { Address, CustomerRef } from '../models/common.js';
import type { Customer } from '../models/customer.js';
import { identifierKey, normaliseEmail, normalisePhone, type CustomerIdentifier } from '../models/identifiers.js';
import type { WriteSession } from './session.js';

/** Who a record belongs to: the customer it was recorded for, and the one that customer is merged into (or itself). */
export interface CustomerAssignment {
  readonly customerId: string;
  readonly homeCustomerId: string;
}

/** What a record offers to find its customer. */
export interface CustomerClue {
  readonly customer?: CustomerRef;
  /** Addresses of the other party of a message, tried in order when `customer` is absent. */
  readonly addresses?: readonly Address[];
  /** An interaction whose customer the record belongs to, when `customer` is absent. */
  readonly interactionId?: string;
}

/** Options of customer resolution. */
export interface ResolveOptions {
  /** Create a customer for an identifier that matches none (instead of rejecting the record). */
  readonly createMissingCustomers?: boolean;
  /**
   * Email domains of your own organisation (`seller.example`): when a message's customer is found
   * from its addresses, addresses in these domains are never taken for the customer's.
   */
  readonly ourDomains?: readonly string[];
}

/** The identifiers an address could be: an email address, or a phone number in international form. */
export function identifiersOfAddress(address: string): CustomerIdentifier[] {
  const out: CustomerIdentifier[] = [];
  const email = normaliseEmail(address);
  if (email !== undefined) out.push({ type: 'email', value: email });
  else {
    const phone = normalisePhone(address);
    if (phone !== undefined) out.push({ type: 'phone', value: phone });
  }
  return out;
}

/** Why a record's addresses name no customer: it has none, they are all ours, or none can be read as an identifier. */
function noCandidateMessage(addresses: readonly Address[], theirs: readonly Address[]): string {
  if (addresses.length === 0) return 'the record names no customer and has no address to find one by';
  if (theirs.length === 0) return 'the record names no customer and every address on it is one of ours (ourDomains): there is no other party to find the customer by';
  const shown = theirs.slice(0, 3).map((address) => JSON.stringify(address.address.slice(0, 100)));
  const more = theirs.length > 3 ? ` and ${theirs.length - 3} more` : '';
  return theirs.length === 1
    ? `the record names no customer, and its address ${shown[0]} is neither an email address nor a phone number in international form, so no customer can be found by it`
    : `the record names no customer, and none of its addresses (${shown.join(', ')}${more}) is an email address or a phone number in international form, so no customer can be found by them`;
}

/**
 * Resolves the customers of a batch of records with a few queries: customers by id, identifiers
 * by key, interactions by id, each fetched once for the whole batch.
 */
export class CustomerResolver {
  /** customer id → the customer its records belong to now (itself, or the one it was merged into) */
  private readonly customers = new Map<string, string>();
  private readonly interactions = new Map<string, RecordRow>();

  constructor(
    private readonly session: WriteSession,
    private readonly createCustomer: (identifier: CustomerIdentifier, displayName: string) => Promise<Customer>,
  ) {}

  /** Fetches everything the clues of a batch refer to. */
  async prefetch(clues: readonly CustomerClue[]): Promise<void> {
    const { tx, tenant, identifierCache } = this.session;
    const customerIds = new Set<string>();
    const keys = new Set<string>();
    const interactionIds = new Set<string>();
    for (const clue of clues) {
      if (clue.customer && 'id' in clue.customer) customerIds.add(clue.customer.id);
      else if (clue.customer) keys.add(identifierKey(clue.customer));
      else if (clue.interactionId !== undefined) interactionIds.add(clue.interactionId);
      else for (const address of clue.addresses ?? []) for (const id of identifiersOfAddress(address.address)) keys.add(identifierKey(id));
    }
    const unknownKeys = [...keys].filter((key) => !identifierCache.has(key));
    if (unknownKeys.length > 0) {
      for (const row of await tx.getIdentifiers(tenant, unknownKeys)) {
        identifierCache.set(row.key, row.customerId);
        customerIds.add(row.customerId);
      }
    }
    const unknownInteractions = [...interactionIds].filter((id) => !this.interactions.has(id));
    if (unknownInteractions.length > 0) {
      for (const row of await tx.getRecords(tenant, 'interactions', unknownInteractions)) {
        this.interactions.set(row.id, row);
        customerIds.add(row.homeCustomerId);
      }
    }
    await this.loadCustomers([...customerIds]);
  }

  private async loadCustomers(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !this.customers.has(id));
    if (missing.length === 0) return;
    for (const row of await this.session.tx.getMergeTargets(this.session.tenant, missing)) this.customers.set(row.id, row.customerId);
  }

  /** Ids of every customer row loaded so far (the customers the batch names). */
  loadedCustomerIds(): string[] {
    return [...this.customers.keys()];
  }

  /**
   * The customer a clue resolves to from what is already loaded, without querying or creating
   * anything; `undefined` when that would take more (used to plan a batch's reads).
   */
  peek(clue: CustomerClue): string | undefined {
    if (clue.customer && 'id' in clue.customer) return this.customers.get(clue.customer.id);
    if (clue.customer) {
      const home = this.session.identifierCache.get(identifierKey(clue.customer));
      return home === undefined ? undefined : this.customers.get(home);
    }
    if (clue.interactionId !== undefined) return this.interactions.get(clue.interactionId)?.customerId;
    for (const address of clue.addresses ?? []) {
      for (const identifier of identifiersOfAddress(address.address)) {
        const home = this.session.identifierCache.get(identifierKey(identifier));
        if (home !== undefined) return this.customers.get(home);
      }
    }
    return undefined;
  }

  /** Registers a customer created in this transaction. */
  remember(customerId: string): void {
    this.customers.set(customerId, customerId);
  }

  /** Where customer `id` is now (`undefined` when there is no such customer). */
  private async placement(id: string): Promise<CustomerAssignment | undefined> {
    await this.loadCustomers([id]);
    const customerId = this.customers.get(id);
    return customerId === undefined ? undefined : { customerId, homeCustomerId: id };
  }

  /**
   * The customer of one record. Throws {@link NotFoundError} when the clue names no known customer
   * (and `createMissingCustomers` is off).
   */
  async resolve(clue: CustomerClue, options: ResolveOptions, displayName?: string): Promise<CustomerAssignment> {
    if (clue.customer && 'id' in clue.customer) {
      const placed = await this.placement(clue.customer.id);
      if (!placed) throw new NotFoundError('customer', clue.customer.id);
      return placed;
    }
    if (clue.customer) return this.byIdentifier(clue.customer, options, displayName);
    if (clue.interactionId !== undefined) {
      let interaction = this.interactions.get(clue.interactionId);
      if (!interaction) {
        await this.prefetch([clue]);
        interaction = this.interactions.get(clue.interactionId);
      }
      if (!interaction) throw new NotFoundError('interaction', clue.interactionId);
      return { customerId: interaction.customerId, homeCustomerId: interaction.homeCustomerId };
    }
    const ours = (options.ourDomains ?? []).map((domain) => domain.toLowerCase().replace(/^@/, ''));
    const theirs = (clue.addresses ?? []).filter((address) => {
      const domain = address.address.toLowerCase().split('@')[1];
      return domain === undefined || !ours.some((own) => domain === own || domain.endsWith(`.${own}`));
    });
    const candidates = theirs.flatMap((address) => identifiersOfAddress(address.address));
    for (const identifier of candidates) {
      const customerId = this.session.identifierCache.get(identifierKey(identifier));
      if (customerId !== undefined) {
        const placed = await this.placement(customerId);
        if (placed) return placed;
      }
    }
    if (candidates.length > 0 && options.createMissingCustomers) {
      return this.byIdentifier(candidates[0]!, options, displayName ?? theirs.find((a) => a.name)?.name);
    }
    if (candidates.length > 0) throw new UnknownCustomerError(candidates.map((id) => identifierKey(id)));
    throw new NotFoundError('customer', '', noCandidateMessage(clue.addresses ?? [], theirs));
  }

  private async byIdentifier(identifier: CustomerIdentifier, options: ResolveOptions, displayName?: string): Promise<CustomerAssignment> {
    const key = identifierKey(identifier);
    let customerId = this.session.identifierCache.get(key);
    if (customerId === undefined) {
      const [row] = await this.session.tx.getIdentifiers(this.session.tenant, [key]);
      if (row) {
        customerId = row.customerId;
        this.session.identifierCache.set(key, customerId);
      }
    }
    if (customerId !== undefined) {
      const placed = await this.placement(customerId);
      if (placed) return placed;
    }
    if (!options.createMissingCustomers) throw new UnknownCustomerError([key]);
    const created = await this.createCustomer(identifier, displayName ?? identifier.value);
    return { customerId: created.id, homeCustomerId: created.id };
  }
}

