import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import type { AcsChatEvent, AcsChatEventType, EventGridEvent } from "./event-grid.js";

type Listener<T> = (event: T) => void;
type EventOf<K extends AcsChatEventType> = Extract<AcsChatEvent, { eventType: K }>;

/**
 * The emulator's in-process event feed: every change, as the Event Grid events ACS would
 * publish for it, in the order the changes happened. Subscribe to one event type or to "*".
 */
export class EmulatorEventFeed {
  private readonly emitter = new EventEmitter();

  on<K extends AcsChatEventType>(eventType: K, listener: Listener<EventOf<K>>): this;
  on(eventType: "*", listener: Listener<AcsChatEvent>): this;
  on(eventType: string, listener: Listener<AcsChatEvent>): this {
    this.emitter.on(eventType, listener);
    return this;
  }

  off<K extends AcsChatEventType>(eventType: K, listener: Listener<EventOf<K>>): this;
  off(eventType: "*", listener: Listener<AcsChatEvent>): this;
  off(eventType: string, listener: Listener<AcsChatEvent>): this {
    this.emitter.off(eventType, listener);
    return this;
  }

  /** Resolves with the first event published from now on that matches; rejects after the timeout. */
  waitFor(predicate: (event: AcsChatEvent) => boolean, timeoutInMs = 5000): Promise<AcsChatEvent> {
    return new Promise((resolve, reject) => {
      const listener = (event: AcsChatEvent) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        this.off("*", listener);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.off("*", listener);
        reject(new Error(`No matching emulator event within ${timeoutInMs} ms`));
      }, timeoutInMs);
      this.on("*", listener);
    });
  }

  /** @internal Whether anyone would see a published event (conversion is skipped otherwise). */
  hasListeners(): boolean {
    return this.emitter.eventNames().length > 0;
  }

  /** @internal */
  publish(events: AcsChatEvent[]): void {
    // Listeners run inside the request that made the change: a throwing one must not turn a
    // stored change into a 500 (the SDK would retry it and store it twice).
    for (const event of events) {
      for (const name of [event.eventType, "*"]) {
        try {
          this.emitter.emit(name, event);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  }
}

export interface WebhookOptions {
  /** Where Event Grid POSTs events (http or https). */
  url: string;
  /** Only these event types are delivered; all chat events when omitted. */
  eventTypes?: AcsChatEventType[];
  /** Attempts per event before it is dropped, as Event Grid's retry policy (default 5). */
  maxDeliveryAttempts?: number;
}

export interface WebhookStatus {
  url: string;
  delivered: number;
  failed: number;
  pending: number;
}

const RETRY_DELAYS_MS = [100, 500, 1000, 2000, 5000];

/**
 * Delivers events to one webhook the way Event Grid does: a subscription validation handshake
 * first, then one event per POST (an array of one, with `aeg-event-type: Notification`), in
 * order, retried with back-off on failures and 5xx answers.
 */
export class WebhookSubscription {
  private readonly queue: AcsChatEvent[] = [];
  private draining = false;
  private closed = false;
  private delivered = 0;
  private failed = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly options: WebhookOptions,
    private readonly topic: string,
    private readonly name = `emulator-${randomUUID().slice(0, 8)}`,
  ) {}

  /** Sends `Microsoft.EventGrid.SubscriptionValidationEvent`; rejects unless the code is echoed. */
  async validate(): Promise<void> {
    const validationCode = randomUUID();
    const event: EventGridEvent<"Microsoft.EventGrid.SubscriptionValidationEvent"> = {
      id: randomUUID(),
      topic: this.topic,
      subject: "",
      data: { validationCode, validationUrl: `${this.options.url}#manual-validation-not-supported` },
      eventType: "Microsoft.EventGrid.SubscriptionValidationEvent",
      eventTime: new Date().toISOString(),
      metadataVersion: "1",
      dataVersion: "2",
    };
    const response = await this.post([event], "SubscriptionValidation", 1);
    const body = (await response.json().catch(() => undefined)) as { validationResponse?: string } | undefined;
    if (!response.ok || body?.validationResponse !== validationCode) {
      throw new Error(
        `Webhook ${this.options.url} did not complete the Event Grid validation handshake (status ${response.status})`,
      );
    }
  }

  enqueue(events: AcsChatEvent[]): void {
    if (this.closed) return;
    const wanted = this.options.eventTypes;
    for (const event of events) {
      if (!wanted || wanted.includes(event.eventType)) this.queue.push(event);
    }
    if (!this.draining && this.queue.length > 0) void this.drain();
  }

  status(): WebhookStatus {
    return { url: this.options.url, delivered: this.delivered, failed: this.failed, pending: this.queue.length };
  }

  /** Resolves once every event queued so far has been delivered or dropped. */
  settled(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    const maxAttempts = this.options.maxDeliveryAttempts ?? 5;
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue[0]!;
      let ok = false;
      for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
        try {
          const response = await this.post([event], "Notification", attempt);
          await response.arrayBuffer().catch(() => undefined);
          ok = response.ok;
          // Event Grid does not retry these: the endpoint said the event itself is unacceptable.
          if (ok || [400, 413].includes(response.status)) break;
        } catch {
          ok = false;
        }
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]));
      }
      this.queue.shift();
      if (ok) this.delivered++;
      else this.failed++;
    }
    this.draining = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private post(events: unknown[], kind: "Notification" | "SubscriptionValidation", attempt: number): Promise<Response> {
    return fetch(this.options.url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "aeg-event-type": kind,
        "aeg-subscription-name": this.name.toUpperCase(),
        "aeg-delivery-count": String(attempt - 1),
        "aeg-data-version": "1.0",
        "aeg-metadata-version": "1",
      },
      body: JSON.stringify(events),
      signal: AbortSignal.timeout(30_000),
    });
  }
}
