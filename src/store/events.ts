import type { AuditAction } from '../models/audit-entry.js';
import type { ModelName } from '../models/json-schema.js';

/** A committed change, delivered to `log.subscribe()` listeners after the transaction commits. */
export interface ChangeEvent {
  readonly tenant: string;
  readonly action: AuditAction;
  readonly model: Exclude<ModelName, 'auditEntry'>;
  readonly id: string;
  /** The version after the change; absent when the record was removed. */
  readonly version?: number;
  readonly at: string;
  readonly actor: string;
}

export type ChangeListener = (event: ChangeEvent) => void;

/** Fan-out of committed changes to listeners. A listener that throws does not affect the others. */
export class EventBus {
  private readonly listeners = new Set<ChangeListener>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** `true` while anyone listens: writes only collect events then. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(events: readonly ChangeEvent[]): void {
    if (this.listeners.size === 0) return;
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
  }
}
