import type { JSONValue } from "../mapping/json.js";
import { CancellablePromise } from "./cancellable-promise.js";
import type { ContentTemplateVariable } from "./content-template.js";
import { LimitExceededError, UnsupportedFeatureError } from "../errors.js";
import type { ConversationLimits, MediaCategory, SendEmailOptions, SendMediaOptions } from "./types.js";

/** Sends built messages; implemented by the Conversation. */
export interface UnsentMessageSender {
  /** `abortSignal` fires when the app cancels the send (its CancellablePromise): uploads stop. */
  sendUnsent(message: UnsentMessage, abortSignal: AbortSignal): Promise<number>;
  /** Checks a media payload as it is added (throws the typed errors at once, as Twilio's builder does). */
  checkMedia(payload: FormData | SendMediaOptions): void;
}

/** A message built by MessageBuilder, ready to `send()`. */
export class UnsentMessage {
  text?: string;
  attributes: JSONValue = {};
  mediaContent: [MediaCategory, FormData | SendMediaOptions][] = [];
  emailOptions: SendEmailOptions = {};
  contentSid?: string;
  contentVariables?: ContentTemplateVariable[];

  readonly #sender: UnsentMessageSender;

  /** Built by MessageBuilder (public, as in Twilio's typings). */
  constructor(sender: UnsentMessageSender) {
    this.#sender = sender;
  }

  /** Sends the message; resolves to its index. */
  send(): CancellablePromise<number | null> {
    return new CancellablePromise((resolve, reject, onCancel) => {
      const controller = new AbortController();
      onCancel(() => controller.abort());
      this.#sender.sendUnsent(this, controller.signal).then(resolve, reject);
    });
  }
}

/** Twilio's message builder: `prepareMessage().setBody(...).setAttributes(...).build().send()`. */
export class MessageBuilder {
  readonly #message: UnsentMessage;
  readonly #limits: ConversationLimits;
  readonly #sender: UnsentMessageSender;

  /** Built by `Conversation.prepareMessage()` (public, as in Twilio's typings). */
  constructor(limits: ConversationLimits, sender: UnsentMessageSender) {
    this.#limits = limits;
    this.#sender = sender;
    this.#message = new UnsentMessage(sender);
  }

  setBody(text: string): MessageBuilder {
    this.#message.text = text;
    return this;
  }

  /** Email subjects belong to email conversations, which ACS Chat does not have. */
  setSubject(subject: string): MessageBuilder {
    void subject;
    throw new UnsupportedFeatureError("MessageBuilder.setSubject", "Email", "ACS Chat has no email channel.");
  }

  setAttributes(attributes: JSONValue): MessageBuilder {
    this.#message.attributes = attributes;
    return this;
  }

  setEmailBody(contentType: string, body: FormData | SendMediaOptions): MessageBuilder {
    void contentType;
    void body;
    throw new UnsupportedFeatureError("MessageBuilder.setEmailBody", "Email", "ACS Chat has no email channel.");
  }

  setEmailHistory(contentType: string, history: FormData | SendMediaOptions): MessageBuilder {
    void contentType;
    void history;
    throw new UnsupportedFeatureError("MessageBuilder.setEmailHistory", "Email", "ACS Chat has no email channel.");
  }

  setContentTemplate(contentSid: string, contentVariables?: ContentTemplateVariable[]): MessageBuilder {
    void contentSid;
    void contentVariables;
    throw new UnsupportedFeatureError("MessageBuilder.setContentTemplate", "Content templates", "content templates are a Twilio Content API feature.");
  }

  /** Adds a file (SendMediaOptions or browser FormData); its type, size and the store are checked now. */
  addMedia(payload: FormData | SendMediaOptions): MessageBuilder {
    this.#sender.checkMedia(payload);
    this.#message.mediaContent.push(["media", payload]);
    return this;
  }

  /** Throws, as Twilio's, when more files were added than the conversation's limit. */
  build(): UnsentMessage {
    const count = this.#message.mediaContent.length;
    if (count > this.#limits.mediaAttachmentsCountLimit) {
      throw new LimitExceededError("Attachments of one message", count, this.#limits.mediaAttachmentsCountLimit, "files");
    }
    return this.#message;
  }

  buildAndSend(): CancellablePromise<number | null> {
    return this.build().send();
  }
}
