import { optionsOf } from './options.js';
import { ValidationError } from '../errors/index.js';
import type { FollowUp, FollowUpPatch, FollowUpStatus } from '../models/follow-up.js';
import { LIMITS } from '../models/limits.js';
import { followUpPatchValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import type { Page, PageOptions } from './cursor.js';
import type { StoreContext } from './session.js';
import { assertTransition, FOLLOW_UP_TRANSITIONS } from './state-machines.js';
import type { InstantInput } from '../models/primitives.js';

/** Options of completing or cancelling a follow-up. */
export interface FollowUpCloseOptions extends UpdateOptions {
  readonly note?: string;
}

/** `log.followUps`: actions owed to a customer. */
export class FollowUps extends RecordCollection<'followUp'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'followUp');
  }

  /** Changes fields of a follow-up (action, due date, assignee...). */
  async update(id: string, patch: FollowUpPatch, options: UpdateOptions = {}): Promise<FollowUp> {
    options = optionsOf(options, 'update options');
    const valid = followUpPatchValidator.parse(patch);
    return this.change(id, options, (current) => ({ ...current, ...valid }));
  }

  /** Gives the follow-up to someone. */
  async assign(id: string, assignee: string, options: UpdateOptions = {}): Promise<FollowUp> {
    options = optionsOf(options, 'assign options');
    return this.update(id, { assignee }, options);
  }

  /** Marks the follow-up done, by the instance's actor, now. */
  async complete(id: string, options: FollowUpCloseOptions = {}): Promise<FollowUp> {
    options = optionsOf(options, 'complete options');
    return this.move(id, 'done', options);
  }

  /** Cancels the follow-up. */
  async cancel(id: string, options: FollowUpCloseOptions = {}): Promise<FollowUp> {
    options = optionsOf(options, 'cancel options');
    return this.move(id, 'cancelled', options);
  }

  /** Opens a done or cancelled follow-up again. */
  async reopen(id: string, options: UpdateOptions = {}): Promise<FollowUp> {
    options = optionsOf(options, 'reopen options');
    return this.move(id, 'open', options);
  }

  private move(id: string, to: FollowUpStatus, options: FollowUpCloseOptions): Promise<FollowUp> {
    const note = options.note;
    if (note !== undefined && (typeof note !== 'string' || note.length > LIMITS.text)) {
      throw new ValidationError('follow-up', [{ code: 'too_big', path: ['note'], message: `must be text of at most ${LIMITS.text} characters` }]);
    }
    return this.change(
      id,
      options,
      (current) => {
        assertTransition(FOLLOW_UP_TRANSITIONS, 'follow-up', id, current.status, to);
        const { completedAt: _at, completedBy: _by, ...rest } = current;
        if (to === 'open') return { ...rest, status: to };
        return { ...rest, status: to, completedAt: this.ctx.now(), completedBy: this.ctx.actor, ...(note !== undefined ? { note } : {}) };
      },
      'transition',
    );
  }

  /**
   * Open follow-ups due before an instant, across the tenant, soonest first.
   *
   * @example
   * ```ts
   * const overdue = await log.followUps.due({ before: new Date() });
   * ```
   */
  async due(options: { before: InstantInput; customerId?: string } & PageOptions): Promise<Page<FollowUp>> {
    const { before, ...rest } = options;
    return this.list({ ...rest, status: 'open', dueBefore: before });
  }

  /** {@link due} as a stream over the whole tenant. */
  streamDue(options: { before: InstantInput; customerId?: string }): AsyncGenerator<FollowUp> {
    const { before, ...rest } = options;
    return this.stream({ ...rest, status: 'open', dueBefore: before });
  }
}
