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
  private maxListeners = 10;

  // ---- Node EventEmitter members Twilio's emitter has and eventemitter3 lacks ----

  /** Kept for Node EventEmitter compatibility; eventemitter3 never warns about listener counts. */
  setMaxListeners(count: number): this {
    this.maxListeners = count;
    return this;
  }

  getMaxListeners(): number {
    return this.maxListeners;
  }

  rawListeners<E extends keyof Events & string>(event: E): Array<Events[E]> {
    return this.listeners(event as never) as unknown as Array<Events[E]>;
  }

  /** Adds the listener before the ones already there. */
  prependListener<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.prepend(event, listener, false);
  }

  prependOnceListener<E extends keyof Events & string>(event: E, listener: Events[E]): this {
    return this.prepend(event, listener, true);
  }

  private prepend<E extends keyof Events & string>(event: E, listener: Events[E], once: boolean): this {
    if (once) this.once(event as never, listener as never);
    else this.on(event as never, listener as never);
    // eventemitter3 (5.x) keeps one listener as an object and several as an array, newest last: move it first.
    const stored = (this as unknown as { _events: Record<string, unknown> })._events[event];
    if (Array.isArray(stored)) stored.unshift(stored.pop());
    return this;
  }

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
