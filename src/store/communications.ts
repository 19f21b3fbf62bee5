import { optionsOf } from './options.js';
import { ValidationError } from '../errors/index.js';
import { DeliveryEventInputSchema, type CommunicationPatch, type CommunicationRecord, type DeliveryEventInput } from '../models/communication.js';
import { communicationPatchValidator, createValidator } from '../validation/index.js';
import { RecordCollection, type UpdateOptions } from './collection.js';
import type { StoreContext } from './session.js';
import { assertTransition, DELIVERY_TRANSITIONS } from './state-machines.js';

const deliveryValidator = createValidator('delivery event', DeliveryEventInputSchema);

/** `log.communications`: messages and notifications. */
export class Communications extends RecordCollection<'communication'> {
  constructor(ctx: StoreContext) {
    super(ctx, 'communication');
  }

  /** Changes fields of a message. Delivery status changes through {@link markDelivery}. */
  async update(id: string, patch: CommunicationPatch, options: UpdateOptions = {}): Promise<CommunicationRecord> {
    options = optionsOf(options, 'update options');
    const valid = communicationPatchValidator.parse(patch);
    return this.change(id, options, (current) => ({ ...current, ...valid }));
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
