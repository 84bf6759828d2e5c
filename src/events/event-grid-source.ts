/**
 * Azure Event Grid as an event source, for servers (bots, back ends): a Fetch-API handler
 * (`Request` in, `Response` out) that answers Event Grid's subscription validation handshake,
 * checks each delivery against ACS's documented chat event schemas, drops repeats (Event Grid
 * delivers at least once) and nudges the attached clients.
 *
 * The endpoint is public, so it requires a secret unless the app opts out in so many words; and
 * since a secret can leak, the clients treat each event as a hint to read ACS, never as a fact.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { InvalidArgumentError } from "../errors.js";
import type { ExternalEventSource, Nudge, NudgeSink } from "./nudges.js";
import { PushReadLimiter, type PushReadLimits } from "./push-read-limiter.js";

const identifier = z.object({ rawId: z.string().min(1) }).passthrough();
const base = { threadId: z.string().min(1), transactionId: z.string().optional() };
const message = { ...base, messageId: z.string().min(1), senderCommunicationIdentifier: identifier, composeTime: z.string().optional(), type: z.string().optional() };
const thread = { ...base, createTime: z.string().optional(), version: z.union([z.number(), z.string()]).optional() };
const participant = z.object({ participantCommunicationIdentifier: identifier, displayName: z.string().optional() }).passthrough();

/** Data of each ACS chat event type, as documented (fields this source relies on are required). */
const DATA_SCHEMAS = {
  "Microsoft.Communication.ChatMessageReceived": z.object({ ...message, messageBody: z.string() }).passthrough(),
  "Microsoft.Communication.ChatMessageReceivedInThread": z.object({ ...message, messageBody: z.string() }).passthrough(),
  "Microsoft.Communication.ChatMessageEdited": z.object({ ...message, messageBody: z.string(), editTime: z.string().optional() }).passthrough(),
  "Microsoft.Communication.ChatMessageEditedInThread": z.object({ ...message, messageBody: z.string(), editTime: z.string().optional() }).passthrough(),
  "Microsoft.Communication.ChatMessageDeleted": z.object({ ...message, deleteTime: z.string() }).passthrough(),
  "Microsoft.Communication.ChatMessageDeletedInThread": z.object({ ...message, deleteTime: z.string() }).passthrough(),
  "Microsoft.Communication.ChatThreadCreated": z.object({ ...thread, createdByCommunicationIdentifier: identifier }).passthrough(),
  "Microsoft.Communication.ChatThreadCreatedWithUser": z.object({ ...thread, createdByCommunicationIdentifier: identifier }).passthrough(),
  "Microsoft.Communication.ChatThreadDeleted": z.object({ ...thread, deletedByCommunicationIdentifier: identifier.optional() }).passthrough(),
  "Microsoft.Communication.ChatThreadWithUserDeleted": z.object({ ...thread, deletedByCommunicationIdentifier: identifier.optional() }).passthrough(),
  "Microsoft.Communication.ChatThreadPropertiesUpdated": z.object({ ...thread, editedByCommunicationIdentifier: identifier }).passthrough(),
  "Microsoft.Communication.ChatThreadPropertiesUpdatedPerUser": z.object({ ...thread, editedByCommunicationIdentifier: identifier }).passthrough(),
  "Microsoft.Communication.ChatThreadParticipantAdded": z.object({ ...thread, participantAdded: participant }).passthrough(),
  "Microsoft.Communication.ChatParticipantAddedToThreadWithUser": z.object({ ...thread, participantAdded: participant }).passthrough(),
  "Microsoft.Communication.ChatThreadParticipantRemoved": z.object({ ...thread, participantRemoved: participant }).passthrough(),
  "Microsoft.Communication.ChatParticipantRemovedFromThreadWithUser": z.object({ ...thread, participantRemoved: participant }).passthrough(),
} as const;
type ChatEventType = keyof typeof DATA_SCHEMAS;

const envelope = z.object({
  id: z.string().min(1),
  topic: z.string(),
  subject: z.string(),
  eventType: z.string().min(1),
  eventTime: z.string().min(1),
  dataVersion: z.string(),
  metadataVersion: z.literal("1").optional(),
  data: z.unknown(),
});

const VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";
const validationData = z.object({ validationCode: z.string().min(1) }).passthrough();

interface CommonOptions {
  /** How many event ids to remember for dropping repeated deliveries (default 10,000). */
  rememberedEvents?: number;
  /**
   * Bounds on the ACS reads this source's events cause in each client it feeds (defaults: one
   * read per thread and kind per 500 ms window, a burst of 10, then 4 a second).
   */
  readLimits?: PushReadLimits;
}

/** Either a secret, or an explicit opt-out: anyone can reach the endpoint. */
export type EventGridSourceOptions = CommonOptions &
  (
    | {
        /**
         * A secret the webhook URL carries as `?secret=...` (put it in the endpoint URL of the
         * Event Grid subscription, which then also carries it in the validation handshake):
         * deliveries without it are refused with 401.
         */
        secret: string;
        insecureNoSecret?: never;
      }
    | {
        /** Accepts deliveries from anyone. Only for endpoints nobody else can reach (local development). */
        insecureNoSecret: true;
        secret?: never;
      }
  );

export class EventGridSource implements ExternalEventSource {
  private readonly sinks = new Set<NudgeSink>();
  private readonly seen = new Set<string>();
  private readonly options: EventGridSourceOptions;

  constructor(options: EventGridSourceOptions) {
    // Checked at run time too: JavaScript callers and casts get past the type.
    const given: Partial<{ secret: unknown; insecureNoSecret: unknown }> = options ?? {};
    const hasSecret = typeof given.secret === "string" && given.secret.length > 0;
    if (given.secret !== undefined && !hasSecret) throw new InvalidArgumentError("options.secret", "must be a non-empty string");
    if (hasSecret && given.insecureNoSecret !== undefined) {
      throw new InvalidArgumentError("options.insecureNoSecret", "cannot be combined with options.secret");
    }
    if (!hasSecret && given.insecureNoSecret !== true) {
      throw new InvalidArgumentError(
        "options.secret",
        "the Event Grid endpoint is public: pass { secret } (and add ?secret=... to the subscription's endpoint URL), or { insecureNoSecret: true } to accept deliveries from anyone",
      );
    }
    this.options = options;
  }

  attach(sink: NudgeSink): () => void {
    // Events are hints anyone holding the secret can forge by the thousand: each client's reads are bounded.
    const limiter = new PushReadLimiter(this.options.readLimits);
    sink.limitReads?.(limiter);
    this.sinks.add(sink);
    return () => {
      this.sinks.delete(sink);
      limiter.stop();
    };
  }

  /** The webhook: mount it at the URL of the Event Grid subscription (node:http, Express, Hono, Functions...). */
  readonly handle = async (request: Request): Promise<Response> => {
    if (request.method !== "POST") return problem(405, "Event Grid delivers with POST.");
    if (!this.options.insecureNoSecret && !sameSecret(new URL(request.url).searchParams.get("secret") ?? "", this.options.secret)) {
      // Validation handshakes too: an endpoint that answers them for anyone could be subscribed to a stranger's events.
      return problem(401, "The delivery does not carry this endpoint's secret.");
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return problem(400, "The body is not JSON.");
    }
    const events = Array.isArray(body) ? body : [body];
    const checked: Array<{ id: string; eventType: string; data: unknown }> = [];
    for (const [index, raw] of events.entries()) {
      const parsed = envelope.safeParse(raw);
      if (!parsed.success) return problem(400, `Event ${index} is not an Event Grid event: ${describe(parsed.error)}.`);
      const event = parsed.data;
      if (event.eventType === VALIDATION_EVENT) {
        const data = validationData.safeParse(event.data);
        if (!data.success) return problem(400, `The validation event has no validationCode.`);
        return Response.json({ validationResponse: data.data.validationCode });
      }
      const schema = DATA_SCHEMAS[event.eventType as ChatEventType];
      if (schema) {
        const data = schema.safeParse(event.data);
        if (!data.success) return problem(400, `Event ${index} (${event.eventType}) does not match ACS's schema: ${describe(data.error)}.`);
      }
      checked.push(event);
    }
    // Validated as a whole first: a delivery with one bad event dispatches none of it.
    for (const event of checked) this.dispatch(event);
    return new Response(null, { status: 200 });
  };

  private dispatch(event: { id: string; eventType: string; data: unknown }): void {
    if (this.seen.has(event.id)) return;
    this.remember(event.id);
    const data = event.data as Record<string, unknown>;
    const nudge = toNudge(event.eventType, data);
    if (!nudge) return;
    // One event per recipient: each is for that user's clients only (a server may attach many users' clients).
    const recipient = (data.recipientCommunicationIdentifier as { rawId?: string } | undefined)?.rawId;
    if (recipient) nudge.recipient = recipient;
    for (const sink of this.sinks) sink.nudge(nudge);
  }

  private remember(id: string): void {
    this.seen.add(id);
    const limit = this.options.rememberedEvents ?? 10_000;
    // Sets iterate in insertion order: the first is the oldest.
    if (this.seen.size > limit) this.seen.delete(this.seen.values().next().value as string);
  }
}

function toNudge(eventType: string, data: Record<string, unknown>): Nudge | undefined {
  const threadId = data.threadId as string;
  const rawIdOf = (key: string) => ((data[key] as { participantCommunicationIdentifier?: { rawId?: string } } | undefined)?.participantCommunicationIdentifier?.rawId);
  const type = eventType.replace("Microsoft.Communication.", "");
  if (type.startsWith("ChatMessage")) return { kind: "thread", threadId };
  if (type === "ChatThreadCreated" || type === "ChatThreadCreatedWithUser") return { kind: "threads" };
  if (type === "ChatThreadDeleted" || type === "ChatThreadWithUserDeleted") return { kind: "threadGone", threadId };
  if (type.startsWith("ChatThreadPropertiesUpdated")) return { kind: "properties", threadId };
  if (type === "ChatThreadParticipantAdded" || type === "ChatParticipantAddedToThreadWithUser") return { kind: "thread", threadId };
  if (type === "ChatThreadParticipantRemoved" || type === "ChatParticipantRemovedFromThreadWithUser") {
    const userId = rawIdOf("participantRemoved");
    return userId ? { kind: "participantRemoved", threadId, userId } : { kind: "thread", threadId };
  }
  return undefined;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join(".") || "value"}: ${issue.message}`;
}

function problem(status: number, message: string): Response {
  return Response.json({ error: { code: status === 401 ? "Unauthorized" : "BadRequest", message } }, { status });
}

/** Compares in constant time (digests, so that the lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
