import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { ChatService } from "./chat-service.js";
import { EmulatorEventFeed, WebhookSubscription, type WebhookOptions } from "./event-grid-feed.js";
import { toEventGridEvents, type ChatChange } from "./event-grid.js";
import { FaultController } from "./faults.js";
import { createRequestListener, type RequestLogEntry } from "./http-api.js";
import { IdentityService } from "./identity-service.js";
import { MediaService, type MediaServiceOptions } from "./media-service.js";
import { readSnapshot, SnapshotWriter } from "./persistence.js";
import { RateLimiter } from "./rate-limits.js";
import { startRealtimeServer, type RealtimeNotifications, type RealtimeOptions, type RealtimeServer } from "./realtime/server.js";
import { EmulatorState } from "./state.js";
import { certificateFits, createCertificate } from "./tls.js";
import type { TimestampPrecision } from "./wire.js";

export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Keep the state in this JSON file: loaded at start, rewritten atomically after changes and
   * at close. Users, tokens, threads, the access key and the certificate survive a restart.
   */
  dataFile?: string;
  /** Base64 access key of the connection string; random unless given. A `dataFile` that exists keeps its own key, which wins. */
  accessKey?: string;
  /** Name of the emulated resource, used in the Event Grid `topic`. */
  resourceName?: string;
  /** Webhooks to deliver Event Grid events to; each must pass the validation handshake. */
  webhooks?: Array<string | WebhookOptions>;
  /**
   * Enforce ACS Chat's documented rate limits (429 with Retry-After). Off by default so that
   * tests sending many messages stay fast.
   */
  rateLimits?: boolean;
  /** The emulator's media endpoint (an in-memory file store for `HttpMediaStore`; not persisted). */
  media?: MediaServiceOptions;
  /** The emulator's clock (epoch ms), for tests of token expiry and request-date skew. */
  now?: () => number;
  /**
   * How the Chat API writes dates. "second" (the default) cuts every date to the whole second,
   * as ACS does; "millisecond" keeps the stored milliseconds. Message ids and versions keep
   * their milliseconds either way.
   */
  timestampPrecision?: TimestampPrecision;
  /**
   * How `listMessages`/`listChatThreads` compare `startTime` (default "second": the change
   * time and startTime, both cut to the second, with >=, so a change in startTime's second is
   * always returned). "millisecond" compares the stored milliseconds with startTime as given.
   */
  startTimeComparison?: TimestampPrecision;
  /**
   * Whether editing a message moves its thread's `lastMessageReceivedOn` (default false). ACS
   * does not document it; a client that finds changed threads by this mark must work either way.
   */
  lastMessageReceivedOnMovesOnEdit?: boolean;
  /** Whether deleting a message moves its thread's `lastMessageReceivedOn` (default false; undocumented too). */
  lastMessageReceivedOnMovesOnDelete?: boolean;
  /** The realtime notification server (its own HTTPS port, the same certificate): port and heartbeat pace. */
  realtime?: RealtimeOptions;
}

export interface Emulator {
  /** `https://127.0.0.1:PORT`: the endpoint for `ChatClient`. */
  readonly endpoint: string;
  /** `endpoint=https://127.0.0.1:PORT/;accesskey=...`: for `CommunicationIdentityClient`. */
  readonly connectionString: string;
  /** PEM of the self-signed certificate: pass it as `tlsOptions: { ca }` to the SDK clients. */
  readonly caPem: string;
  readonly accessKey: string;
  /** The GUID in every user id this emulator issues (`8:acs:<resourceId>_<guid>`). */
  readonly resourceId: string;
  readonly host: string;
  readonly port: number;
  /**
   * ACS realtime notifications, as the browser SDK's `startRealtimeNotifications()` reaches them:
   * `realtime.url` is the Trouter and registrar the emulator's `/chat/config/realTimeNotifications` names.
   */
  readonly realtime: RealtimeNotifications;
  /** Every change, as the Event Grid events ACS publishes for it. */
  readonly events: EmulatorEventFeed;
  /** Inject 429s, 503s, delays and dropped connections into the next matching requests. */
  readonly faults: FaultController;
  /** How many files the media endpoint holds (to check that failed sends leave none behind). */
  readonly mediaCount: () => number;
  /** Emits `request` after each request is answered (or dropped). */
  readonly requests: EventEmitter<{ request: [RequestLogEntry] }>;
  /** Subscribes a webhook; resolves once it passed Event Grid's validation handshake. */
  addWebhook(options: string | WebhookOptions): Promise<WebhookSubscription>;
  /** Writes pending changes to the data file now (no-op without one). */
  flush(): Promise<void>;
  /** Stops listening, drops open connections, and writes the data file. */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? Date.now;
  const saved = options.dataFile ? await readSnapshot(options.dataFile) : undefined;
  const state = saved
    ? EmulatorState.fromSnapshot(saved)
    : new EmulatorState(randomUUID(), options.accessKey ?? randomBytes(32).toString("base64"), randomBytes(32).toString("base64"));
  // A saved certificate is reused while it is valid for this host: clients that trust it keep working.
  if (!state.tls || !certificateFits(state.tls, host)) state.tls = await createCertificate(host);
  const tls = state.tls;

  const resourceName = options.resourceName ?? "acs-emulator";
  const topic = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Communication/communicationServices/${resourceName}`;
  const events = new EmulatorEventFeed();
  const webhooks: WebhookSubscription[] = [];
  let realtime: RealtimeServer | undefined;
  const publish = (change: ChatChange) => {
    realtime?.publish(change);
    if (!events.hasListeners() && webhooks.length === 0) return;
    const converted = toEventGridEvents(change, topic);
    events.publish(converted);
    for (const webhook of webhooks) webhook.enqueue(converted);
  };

  const writer = options.dataFile ? new SnapshotWriter(options.dataFile, () => state.toSnapshot()) : undefined;
  writer?.markDirty(); // a new file, or a renewed certificate, is on disk from the start
  const faults = new FaultController();
  const requests = new EventEmitter<{ request: [RequestLogEntry] }>();
  let endpoint = "";
  const media = new MediaService(state.tokenSigningKey, () => endpoint, now, options.media);
  const identity = new IdentityService(state, now);
  const onRequest = (entry: RequestLogEntry) => requests.emit("request", entry);
  realtime = await startRealtimeServer(
    {
      host,
      tls,
      verifyToken: (token) => identity.verifyChatToken(token),
      stillValid: (holder) => identity.stillValid(holder),
      faults,
      now,
      onRequest,
    },
    options.realtime,
  );
  identity.onTokensRevoked = (userId) => realtime?.revoke(userId);
  const listener = createRequestListener({
    endpoint: () => endpoint,
    accessKey: state.accessKey,
    chat: new ChatService(state, now, publish, {
      ...(options.timestampPrecision ? { timestampPrecision: options.timestampPrecision } : {}),
      ...(options.startTimeComparison ? { startTimeComparison: options.startTimeComparison } : {}),
      ...(options.lastMessageReceivedOnMovesOnEdit ? { lastMessageReceivedOnMovesOnEdit: true } : {}),
      ...(options.lastMessageReceivedOnMovesOnDelete ? { lastMessageReceivedOnMovesOnDelete: true } : {}),
    }),
    identity,
    faults,
    now,
    onRequest,
    realtimeUrl: () => realtime!.url,
    onMutation: () => writer?.markDirty(),
    media,
    ...(options.rateLimits ? { rateLimiter: new RateLimiter(now) } : {}),
  });

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void listener(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await realtime?.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;

  const addWebhook = async (webhook: string | WebhookOptions) => {
    const subscription = new WebhookSubscription(typeof webhook === "string" ? { url: webhook } : webhook, topic);
    await subscription.validate();
    webhooks.push(subscription);
    return subscription;
  };
  try {
    for (const webhook of options.webhooks ?? []) await addWebhook(webhook);
  } catch (error) {
    server.close();
    server.closeAllConnections();
    await realtime.close();
    throw error;
  }

  return {
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${state.accessKey}`,
    caPem: tls.cert,
    accessKey: state.accessKey,
    resourceId: state.resourceId,
    host,
    port,
    realtime,
    events,
    faults,
    requests,
    mediaCount: () => media.count,
    addWebhook,
    flush: async () => writer?.flush(),
    close: async () => {
      for (const webhook of webhooks) webhook.close();
      await realtime?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await writer?.flush();
    },
  };
}
