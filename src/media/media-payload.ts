/**
 * Twilio's media payloads (`SendMediaOptions`, or browser `FormData`) as uploads, checked before
 * any byte leaves: a content type, a non-empty body, an allowed type, a size within the limit.
 */
import { InvalidArgumentError, LimitExceededError } from "../errors.js";
import type { MediaUpload } from "./media-store.js";

export interface MediaRules {
  /** Largest attachment, bytes. */
  maxBytes: number;
  /** Content types allowed (`image/*` matches every image type); all when undefined. */
  allowedContentTypes?: string[];
}

/** Reads a payload into an upload and checks it; throws InvalidArgumentError or LimitExceededError naming `field`. */
/** Twilio's media payload for a send. */
export interface SendMediaOptions {
  contentType: null | string;
  filename?: string;
  /** Twilio names Node's Buffer; any Uint8Array (Buffer is one) or ArrayBuffer works here. */
  media: null | string | Uint8Array | ArrayBuffer | Blob;
}

export async function toCheckedUpload(payload: FormData | SendMediaOptions, rules: MediaRules, field: string): Promise<MediaUpload> {
  const upload = await toUpload(payload, field);
  const size = upload.data instanceof Uint8Array ? upload.data.byteLength : upload.data.size;
  if (size === 0) throw new InvalidArgumentError(`${field}.media`, "the file is empty");
  if (size > rules.maxBytes) throw new LimitExceededError(`Attachment ${upload.filename ?? "(unnamed)"}`, size, rules.maxBytes, "bytes");
  const allowed = rules.allowedContentTypes;
  if (allowed && !allowed.some((pattern) => matchesType(pattern, upload.contentType))) {
    throw new InvalidArgumentError(`${field}.contentType`, `${upload.contentType} is not an allowed content type (${allowed.join(", ")})`);
  }
  return upload;
}

async function toUpload(payload: FormData | SendMediaOptions, field: string): Promise<MediaUpload> {
  if (typeof FormData !== "undefined" && payload instanceof FormData) {
    // Twilio takes the first file of the form (`formData.set(name, file, filename)`).
    for (const [, value] of payload.entries()) {
      if (typeof value !== "string") {
        if (!value.type) throw new InvalidArgumentError(`${field}.contentType`, "the form's file has no content type");
        return { filename: value.name || null, contentType: value.type, data: value };
      }
    }
    throw new InvalidArgumentError(field, "the form holds no file");
  }
  if (!payload || typeof payload !== "object") throw new InvalidArgumentError(field, "expected SendMediaOptions ({ contentType, filename?, media }) or FormData");
  const options = payload as SendMediaOptions;
  if (typeof options.contentType !== "string" || options.contentType.length === 0) {
    throw new InvalidArgumentError(`${field}.contentType`, "a media payload needs a content type");
  }
  if (options.filename !== undefined && typeof options.filename !== "string") throw new InvalidArgumentError(`${field}.filename`, "expected a string");
  const media = options.media;
  let data: Blob | Uint8Array;
  if (typeof media === "string") data = new TextEncoder().encode(media);
  else if (media instanceof Uint8Array) data = media;
  else if (media instanceof ArrayBuffer) data = new Uint8Array(media);
  else if (typeof Blob !== "undefined" && media instanceof Blob) data = media;
  else throw new InvalidArgumentError(`${field}.media`, "expected a string, Uint8Array/Buffer, ArrayBuffer or Blob");
  return { filename: options.filename ?? null, contentType: options.contentType, data };
}

function matchesType(pattern: string, contentType: string): boolean {
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  const wanted = pattern.toLowerCase();
  if (wanted === "*/*" || wanted === "*") return true;
  return wanted.endsWith("/*") ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
}
