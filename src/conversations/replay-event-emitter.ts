import { EventEmitter } from "events";

/** An event map in Twilio's style: event name -> listener signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listener parameters vary per event
export type ListenerMap = { [event: string]: (...args: any[]) => void };

/**
 * Twilio's replaying emitter: Node's EventEmitter (the `events` package in browsers, which the
 * ACS SDK already bundles) typed with the class's events, plus `onWithReplay` and
 * `onceWithReplay`, which first hand the listener the last emission of that event (if any), so
 * a listener added after `initialized` still learns that the client is initialized.
 */
export class ReplayEventEmitter<Events extends ListenerMap> extends EventEmitter {
  readonly #lastEmitted = new Map<PropertyKey, unknown[]>();

  override on<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return super.on(event, listener);
  }
  override addListener<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return super.addListener(event, listener);
  }
  override once<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return super.once(event, listener);
  }
  override off<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return super.off(event, listener);
  }
  override removeListener<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return super.removeListener(event, listener);
  }

  /**
   * Calls every listener even when one throws: a bug in an app's listener must not cut a batch
   * of events short inside this library. The error is rethrown on its own, as uncaught.
   */
  override emit<E extends keyof Events & string>(event: E, ...args: Parameters<Events[E]>): boolean {
    this.#lastEmitted.set(event, args);
    const listeners = this.rawListeners(event) as Array<(...args: unknown[]) => void>;
    if (listeners.length === 0) return super.emit(event, ...args);
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    return true;
  }

  /** Calls the listener with the last emission of the event, if any, then subscribes it. */
  onWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    const last = this.#lastEmitted.get(event);
    if (last) listener(...(last as Parameters<Events[E]>));
    return this.on(event, listener);
  }

  /** Alias of {@link onWithReplay}. */
  addListenerWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.onWithReplay(event, listener);
  }

  /** Calls the listener once: with the last emission if there was one, else with the next. */
  onceWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    const last = this.#lastEmitted.get(event);
    if (last) {
      listener(...(last as Parameters<Events[E]>));
      return this;
    }
    return this.once(event, listener);
  }
}
