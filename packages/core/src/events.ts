import type { ContainerEvents } from "./container-types.js";
import { describeError } from "./errors.js";

type Handler = (event: never) => void;

/** The container's `on(event, handler)` listeners; one that throws never changes the container. */
export class EventHub {
  /** Made by the first `on` (most containers, e.g. a tenant's, never get a listener). */
  private listeners: Map<keyof ContainerEvents, Set<Handler>> | undefined;

  constructor(private readonly warn: (message: string) => void) {}

  /** Calls the handlers; one that throws is reported through `onWarning` and changes nothing. */
  emit<E extends keyof ContainerEvents>(event: E, payload: ContainerEvents[E]): void {
    const handlers = this.listeners?.get(event);
    if (handlers === undefined) return;
    for (const handler of handlers) {
      try {
        (handler as (e: ContainerEvents[E]) => void)(payload);
      } catch (error) {
        this.warn(`a "${event}" listener threw: ${describeError(error)}. The container carried on.`);
      }
    }
  }

  /** Some event has a handler: callers on a hot path skip building payloads otherwise. */
  listening = false;

  /** Adds a handler; returns the unsubscribe function. */
  on<E extends keyof ContainerEvents>(event: E, handler: (e: ContainerEvents[E]) => void): () => void {
    const listeners = (this.listeners ??= new Map<keyof ContainerEvents, Set<Handler>>());
    let handlers = listeners.get(event);
    if (handlers === undefined) listeners.set(event, (handlers = new Set()));
    handlers.add(handler);
    this.listening = true;
    return () => {
      if (!handlers.delete(handler) || handlers.size > 0 || listeners.get(event) !== handlers) return;
      // the event's last handler is gone, and with the last event the map: a listener for
      // one call (a tenant's load) leaves nothing behind
      listeners.delete(event);
      if (listeners.size === 0 && this.listeners === listeners) this.listeners = undefined;
      this.listening = this.listeners !== undefined;
    };
  }
}
