import { optionsOf } from './options.js';
import { ValidationError, VersionConflictError } from '../errors/index.js';
import { DeliveryEventInputSchema, type CommunicationPatch, type CommunicationRecord, type DeliveryEventInput } from '../models/communication.js';
import { communicationPatchValidator, createValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import type { StoreContext } from './session.js';
import { isThreadable, ThreadClosure, threadIdNotDecided } from './threading.js';
import { toWrite } from './write-records.js';
import { assertTransition, DELIVERY_TRANSITIONS } from './state-machines.js';

/** Fields a message is threaded by: a patch touching one threads it again. */
const THREADED_BY = ['messageId', 'inReplyTo', 'references', 'subject', 'from', 'to', 'cc', 'sentAt', 'threadId'] as const;

const deliveryValidator = createValidator('delivery event', DeliveryEventInputSchema);

/** `log.communications`: messages and notifications. */
export class Communications extends RecordCollection<'communication'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'communication');
  }

  /**
   * Changes fields of a message. Delivery status changes through {@link markDelivery}. With
   * threading on, a change of what the message is threaded by (Message-ID, References,
   * In-Reply-To, subject, addresses, sent time) threads it again, and moves the messages of its
   * conversations whose thread that changes; a `threadId` in the patch must be the one threading
   * decides.
   */
  async update(id: string, patch: CommunicationPatch, options: UpdateOptions = {}): Promise<CommunicationRecord> {
    options = optionsOf(options, 'update options');
    const valid = communicationPatchValidator.parse(patch);
    const threading = this.ctx.threading;
    return this.change(id, options, async (current, session) => {
      const next = { ...current, ...valid } as CommunicationRecord;
      if (threading === false || !THREADED_BY.some((field) => field in valid)) return next;
      const closure = new ThreadClosure(session.tx, this.ctx.tenant, threading);
      await closure.extend([current, next]);
      const threaded = isThreadable(next, threading);
      const { threadIds, rethreads } = closure.thread(threaded ? [next] : [], [id]);
      const threadId = threaded ? threadIds.get(id)! : next.threadId;
      if (valid.threadId !== undefined && valid.threadId !== threadId) {
        throw threadIdNotDecided('communication patch', threadId);
      }
      for (const { row, record, threadId: moved } of rethreads) {
        const after = { ...record, threadId: moved, version: row.version + 1, updatedAt: this.ctx.now() };
        const write = toWrite(this.spec, after, { customerId: row.customerId, homeCustomerId: row.homeCustomerId }, row.sourceHash, threading);
        const stale = await session.tx.updateRecords(this.ctx.tenant, [{ ...write, expectedVersion: row.version }]);
        if (stale.length > 0) throw new VersionConflictError(this.spec.label, row.id, row.version);
        await session.audit(this.spec, 'update', row.homeCustomerId, record, after, write, 'threaded again: a message of its conversation changed');
      }
      return threadId === undefined ? next : { ...next, threadId };
    });
  }

  /**
   * Records a delivery status change (`sent → delivered → opened → replied`, bounces, failures),
   * appending it to the message's delivery history.
   *
   * @throws {InvalidTransitionError} `INVALID_TRANSITION` when the status cannot follow the current one
   */
  async markDelivery(id: string, event: DeliveryEventInput, options: UpdateOptions = {}): Promise<CommunicationRecord> {
    options = optionsOf(options, 'markDelivery options');
    const valid = deliveryValidator.parse(event);
    return this.change(
      id,
      options,
      (current) => {
        assertTransition(DELIVERY_TRANSITIONS, 'message', id, current.delivery.status, valid.status);
        if (current.delivery.status === valid.status) {
          throw new ValidationError('delivery event', [{ code: 'unchanged', path: ['status'], message: `is already ${valid.status}` }]);
        }
        return { ...current, delivery: { status: valid.status, history: [...current.delivery.history, valid] } };
      },
      'transition',
    );
  }
}
