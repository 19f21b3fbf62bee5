import { optionsOf } from './options.js';
import { ValidationError } from '../errors/index.js';
import { INTERACTION_STATUSES, OutcomeInputSchema, type Interaction, type InteractionStatus, type OutcomeInput } from '../models/interaction.js';
import { createValidator, interactionPatchValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import { assertTransition, INTERACTION_TRANSITIONS } from './state-machines.js';
import type { StoreContext } from './session.js';
import type { InteractionPatch } from '../models/interaction.js';

const outcomeValidator = createValidator('outcome', OutcomeInputSchema);

/** Options of `interactions.transition()`. */
export interface TransitionOptions extends UpdateOptions {
  /**
   * How the interaction ended; expected when moving to `resolved` or `closed`. `resolvedAt`
   * defaults to now and `resolvedBy` to the instance's actor.
   */
  readonly outcome?: OutcomeInput;
  /** Why the status changed; kept in the audit trail. */
  readonly reason?: string;
}

/** `log.interactions`: touchpoints and cases. */
export class Interactions extends RecordCollection<'interaction'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'interaction');
  }

  /**
   * Changes fields of an interaction. Status and outcome change through {@link transition}.
   * @throws {VersionConflictError} `VERSION_CONFLICT` when `expectedVersion` is stale
   */
  async update(id: string, patch: InteractionPatch, options: UpdateOptions = {}): Promise<Interaction> {
    options = optionsOf(options, 'update options');
    const valid = interactionPatchValidator.parse(patch);
    return this.change(id, options, (current) => ({ ...current, ...valid }));
  }

  /**
   * Moves an interaction through its lifecycle (see `INTERACTION_TRANSITIONS`): `open → pending →
   * resolved → closed`, `cancelled`, and reopening. Moving to `resolved` records the outcome;
   * reopening clears it (the audit trail keeps it).
   *
   * @throws {InvalidTransitionError} `INVALID_TRANSITION` for a move the state machine does not allow
   */
  async transition(id: string, to: InteractionStatus, options: TransitionOptions = {}): Promise<Interaction> {
    options = optionsOf(options, 'transition options');
    if (!INTERACTION_STATUSES.includes(to)) {
      throw new ValidationError('transition', [{ code: 'invalid_value', path: ['to'], message: `must be one of ${INTERACTION_STATUSES.join(', ')}` }]);
    }
    const outcome = options.outcome === undefined ? undefined : outcomeValidator.parse(options.outcome);
    return this.change(
      id,
      options,
      (current) => {
        assertTransition(INTERACTION_TRANSITIONS, 'interaction', id, current.status, to);
        const { outcome: previous, ...rest } = current;
        if (to === 'open' || to === 'pending') return { ...rest, status: to };
        const resolved = outcome ?? previous;
        const now = this.ctx.now();
        return {
          ...rest,
          status: to,
          ...(resolved
            ? { outcome: { ...resolved, resolvedAt: resolved.resolvedAt ?? now, resolvedBy: resolved.resolvedBy ?? this.ctx.actor } }
            : {}),
        };
      },
      'transition',
      options.reason,
    );
  }
}
