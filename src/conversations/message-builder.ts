import type { JSONValue } from "../mapping/json.js";
import { CancellablePromise } from "./cancellable-promise.js";
import type { ContentTemplateVariable } from "./content-template.js";
import { UnsupportedFeatureError } from "./errors.js";
import type { ConversationLimits, MediaCategory, SendEmailOptions, SendMediaOptions } from "./types.js";

/** Sends built messages; implemented by the Conversation. */
export interface UnsentMessageSender {
  sendUnsent(message: UnsentMessage): Promise<number>;
}

/** A message built by MessageBuilder, ready to `send()`. */
export class UnsentMessage {
  text?: string;
  attributes: JSONValue = {};
  mediaContent: [MediaCategory, FormData | SendMediaOptions][] = [];
  emailOptions: SendEmailOptions = {};
  contentSid?: string;
  contentVariables?: ContentTemplateVariable[];

  /** @internal Built by MessageBuilder. */
  constructor(private readonly sender: UnsentMessageSender) {}

  /** Sends the message; resolves to its index. */
  send(): CancellablePromise<number | null> {
    return new CancellablePromise((resolve, reject) => {
      this.sender.sendUnsent(this).then(resolve, reject);
    });
  }
}

/** Twilio's message builder: `prepareMessage().setBody(...).setAttributes(...).build().send()`. */
export class MessageBuilder {
  private readonly message: UnsentMessage;

  /** @internal Built by `Conversation.prepareMessage()`. */
  constructor(
    private readonly limits: ConversationLimits,
    sender: UnsentMessageSender,
  ) {
    this.message = new UnsentMessage(sender);
  }

  setBody(text: string): MessageBuilder {
    this.message.text = text;
    return this;
  }

  /** Email subjects belong to email conversations, which ACS Chat does not have. */
  setSubject(subject: string): MessageBuilder {
    void subject;
    throw new UnsupportedFeatureError("MessageBuilder.setSubject", "Email", "ACS Chat has no email channel.");
  }

  setAttributes(attributes: JSONValue): MessageBuilder {
    this.message.attributes = attributes;
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

  addMedia(payload: FormData | SendMediaOptions): MessageBuilder {
    void payload;
    void this.limits;
    throw new UnsupportedFeatureError("MessageBuilder.addMedia", "Media", "media attachments arrive with the media store milestone.");
  }

  build(): UnsentMessage {
    return this.message;
  }

  buildAndSend(): CancellablePromise<number | null> {
    return this.build().send();
  }
}
