/**
 * Sending into one conversation: text, or files through the media store, with attributes in
 * metadata, every size checked before the first request. ACS answers a send with the message id
 * only; the index the app gets comes from reading the message back.
 */
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import { acsCall } from "../acs/acs-errors.js";
import { ACS_LIMITS, metadataSize, utf8Length } from "../acs/limits.js";
import { AbortError, InvalidArgumentError, LimitExceededError, MessageSentError, noMediaStore } from "../errors.js";
import type { FeedEntry } from "../events/thread-feed.js";
import { withAttributes } from "../mapping/attributes.js";
import type { JSONValue } from "../mapping/json.js";
import { encodeMediaMetadata, type MediaDescriptor } from "../mapping/media-metadata.js";
import { indexFromSequenceId } from "../mapping/message-index.js";
import { toCheckedUpload, type SendMediaOptions } from "../media/media-payload.js";
import type { MediaStore } from "../media/media-store.js";
import { checkArgument, jsonValue } from "./arguments.js";
import type { ClientContext } from "./client-context.js";
import type { UnsentMessage } from "./message-builder.js";

export interface SenderHost {
  readonly thread: ChatThreadClient;
  readonly context: Pick<ClientContext, "ensureReady" | "self" | "media" | "followsEvents">;
  /** Reads the conversation's change feed, announcing what it finds; resolves to the entries read. */
  catchUp(): Promise<FeedEntry[]>;
  /** Announces a message this client sent, read back, if nothing unread can come before it; false when a read of the feed must. */
  takeSent(message: ChatMessage): Promise<boolean>;
}

type MediaPayload = FormData | SendMediaOptions;

export class MessageSender {
  readonly #host: SenderHost;

  constructor(host: SenderHost) {
    this.#host = host;
  }

  /** Sends text with attributes; resolves to the new index. */
  async sendText(body: string, attributes: JSONValue | undefined): Promise<number> {
    const metadata = attributes !== undefined ? withAttributes(undefined, attributes, "messageAttributes") : undefined;
    await this.#host.context.ensureReady();
    this.assertFits(body, metadata, "Message body and attributes");
    return this.#indexOfSent(await this.sendRaw(body, metadata));
  }

  /** What MessageBuilder built: its text, attributes and files. */
  sendUnsent(unsent: UnsentMessage, abortSignal?: AbortSignal): Promise<number> {
    if (unsent.text !== undefined && typeof unsent.text !== "string") throw new InvalidArgumentError("body", "expected a string");
    checkArgument(jsonValue, unsent.attributes, "attributes");
    if (unsent.mediaContent.length === 0) return this.sendText(unsent.text ?? "", unsent.attributes);
    return this.sendWithMedia(unsent.text ?? "", unsent.mediaContent.map(([, payload]) => payload), unsent.attributes, abortSignal);
  }

  /**
   * Uploads the files (all checked before the first byte goes), then sends one message whose
   * metadata describes them. A failed upload sends nothing; a failed send deletes what was
   * uploaded, so no file is left without its message.
   */
  async sendWithMedia(body: string, payloads: MediaPayload[], attributes: JSONValue | undefined, abortSignal?: AbortSignal): Promise<number> {
    const store = this.mediaStore("Conversation.sendMessage with media");
    const { maxCount, maxBytes, allowedContentTypes } = this.#host.context.media;
    if (payloads.length > maxCount) throw new LimitExceededError("Attachments of one message", payloads.length, maxCount, "files");
    const rules = { maxBytes, ...(allowedContentTypes ? { allowedContentTypes } : {}) };
    const uploads = await Promise.all(payloads.map((payload, i) => toCheckedUpload(payload, rules, payloads.length > 1 ? `media[${i}]` : "media")));
    const attributesMetadata = attributes !== undefined ? withAttributes(undefined, attributes, "messageAttributes") : {};
    // Room for the descriptors with URLs of a plausible length, before anything is uploaded.
    const estimate = encodeMediaMetadata(uploads.map((u, i) => ({ sid: `${i}`.padEnd(64, "x"), filename: u.filename, contentType: u.contentType, size: 0, category: "media", url: "x".repeat(512), inStore: true })));
    this.assertFits(body, { ...attributesMetadata, ...estimate }, "Message body, attributes and attachment descriptions");
    await this.#host.context.ensureReady();

    const stored: MediaDescriptor[] = [];
    let sentId: string;
    try {
      // A cancel takes effect between uploads: an upload cut off midway may still be stored under
      // an id we would never learn, and so could never delete.
      for (const upload of uploads) {
        if (abortSignal?.aborted) throw cancelled();
        const result = await store.upload(upload);
        stored.push({ sid: result.id, filename: upload.filename, contentType: upload.contentType, size: result.size, category: "media", url: result.url, inStore: true });
      }
      if (abortSignal?.aborted) throw cancelled();
      const metadata = { ...attributesMetadata, ...encodeMediaMetadata(stored) };
      this.assertFits(body, metadata, "Message body and attributes");
      sentId = await this.sendRaw(body, metadata);
    } catch (error) {
      await Promise.allSettled(stored.map((m) => store.delete(m.sid)));
      throw error;
    }
    // Sent: from here on the files belong to the message, whatever happens to the index lookup.
    return this.#indexOfSent(sentId);
  }

  /** One ACS send as this user (its identity as the display name native clients show); resolves to the message id. */
  async sendRaw(content: string, metadata: Record<string, string> | undefined): Promise<string> {
    const sent = await acsCall("sendMessage", () =>
      this.#host.thread.sendMessage({ content }, { senderDisplayName: this.#host.context.self.identity, ...(metadata ? { metadata } : {}) }),
    );
    return sent.id;
  }

  /** Throws LimitExceededError when content, display name and metadata are over ACS's message size. */
  assertFits(content: string, metadata: Record<string, string> | undefined, subject: string): void {
    const size = utf8Length(content) + utf8Length(this.#host.context.self.identity) + metadataSize(metadata);
    if (size > ACS_LIMITS.messageSizeBytes) throw new LimitExceededError(subject, size, ACS_LIMITS.messageSizeBytes, "bytes (ACS message size)");
  }

  /** The media store, or the typed error saying there is none. */
  mediaStore(feature: string): MediaStore {
    const store = this.#host.context.media.store;
    if (!store) throw noMediaStore(feature);
    return store;
  }

  /** MessageBuilder.addMedia's synchronous checks (as Twilio's builder); the bytes are read and checked again at send. */
  checkMedia(payload: unknown): void {
    this.mediaStore("MessageBuilder.addMedia");
    if (!payload || typeof payload !== "object") throw new InvalidArgumentError("media", "expected SendMediaOptions or FormData");
    const options = payload as SendMediaOptions;
    if (!(typeof FormData !== "undefined" && payload instanceof FormData) && (typeof options.contentType !== "string" || !options.contentType)) {
      throw new InvalidArgumentError("media.contentType", "a media payload needs a content type");
    }
  }

  /**
   * The index of a message this client just sent. ACS answers only the id, so the message is
   * read back (retried: the message is sent, and a send that looks failed would be sent again by
   * the app). When it is the next message after everything the feed has read, it is announced at
   * once. Otherwise others' messages may lie between, and the feed is read to announce them and
   * this one in index order: in the background while an event source runs (that read is news for
   * the app, not part of the send), before resolving when none does.
   */
  async #indexOfSent(messageId: string): Promise<number> {
    let lastError: unknown;
    for (const delayInMs of [0, 200, 1000]) {
      if (delayInMs) await new Promise((resolve) => setTimeout(resolve, delayInMs));
      let raw: ChatMessage;
      try {
        raw = await acsCall("getMessage", () => this.#host.thread.getMessage(messageId));
      } catch (error) {
        lastError = error;
        continue;
      }
      if (!(await this.#host.takeSent(raw).catch(() => false))) {
        // A failed read here is no failed send: the next read of the feed announces it.
        const read = this.#host.catchUp().catch(() => []);
        if (!this.#host.context.followsEvents()) await read;
      }
      return indexFromSequenceId(raw.sequenceId);
    }
    throw new MessageSentError(messageId, lastError);
  }
}

const cancelled = () => new AbortError("The send was cancelled before the message was sent.");
