/**
 * Twilio's channel metadata (SMS/WhatsApp/email channel data of a message). ACS Chat has no
 * such channels, so `Message.getChannelMetadata()` resolves to `null`. The class exists so that
 * apps keep their annotations and `instanceof` checks.
 */

/** Metadata of the communication channel a message came through. */
export class ChannelMetadata {
  /** Communication channel type. */
  readonly type: string;
  /** The metadata itself (frozen, shallowly, as Twilio does). */
  readonly data: unknown;

  constructor(type: string, data: unknown) {
    this.type = type;
    this.data = data;
    Object.freeze(data);
  }
}
