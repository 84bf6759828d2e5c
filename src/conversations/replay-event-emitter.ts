import { EventEmitter } from "eventemitter3";

/** An event map in Twilio's style: event name -> listener signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listener parameters vary per event
export type ListenerMap = { [event: string]: (...args: any[]) => void };

/**
 * eventemitter3 with Twilio's replay methods: `onWithReplay` and `onceWithReplay` first hand the
 * listener the last emission of that event (if there was one), so a listener added after
 * `initialized` still learns that the client is initialized.
 */
export class ReplayEventEmitter<Events extends ListenerMap> extends EventEmitter<Events> {
  private readonly lastEmitted = new Map<PropertyKey, unknown[]>();

  override emit<E extends EventEmitter.EventNames<Events>>(event: E, ...args: EventEmitter.EventArgs<Events, E>): boolean {
    this.lastEmitted.set(event, args);
    return super.emit(event, ...args);
  }

  /** Calls the listener with the last emission of the event, if any, then subscribes it. */
  onWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    const last = this.lastEmitted.get(event);
    if (last) listener(...(last as Parameters<Events[E]>));
    return this.on(event as never, listener as never);
  }

  /** Alias of {@link onWithReplay}. */
  addListenerWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.onWithReplay(event, listener);
  }

  /** Calls the listener once: with the last emission if there was one, else with the next. */
  onceWithReplay<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    const last = this.lastEmitted.get(event);
    if (last) {
      listener(...(last as Parameters<Events[E]>));
      return this;
    }
    return this.once(event as never, listener as never);
  }
}
