/**
 * Attachments in ACS message metadata, in the two conventions native ACS clients read: the ACS
 * UI Library's `fileSharingMetadata` (a JSON array of `{ id, name, extension, url }`) and the
 * migration guide's `hasAttachment` / `attachmentUrl`. Items this library writes carry more
 * (content type, size, category, and a marker) so Twilio's Media round-trips; items written by
 * native clients read as media too, with what they have.
 */
import { ACS_LIMITS } from "../acs/limits.js";
import { boundedText, ignoreProblems, metadataText, parseBoundedJson, type ReportProblem } from "./foreign-data.js";

export const MEDIA_KEYS = {
  fileSharing: "fileSharingMetadata",
  hasAttachment: "hasAttachment",
  attachmentUrl: "attachmentUrl",
} as const;

/** Twilio's media categories: attachments, or an email's body or history. */
export type MediaCategory = "media" | "body" | "history";

export interface MediaDescriptor {
  sid: string;
  filename: string | null;
  contentType: string;
  size: number;
  category: MediaCategory;
  /** A long-lived URL, for native clients (this library asks its store for fresh ones). */
  url: string;
  /** Stored by this library's media store (else: a native client's file, reachable only at `url`). */
  inStore: boolean;
}

interface FileSharingItem {
  id: string;
  name: string;
  extension: string;
  url: string;
  contentType?: string;
  size?: number;
  category?: MediaCategory;
  twilioMedia?: true;
  /** The file had no name (Twilio's null filename); `name` holds the id for native clients. */
  unnamed?: true;
}

const CATEGORIES: readonly MediaCategory[] = ["media", "body", "history"];

export function encodeMediaMetadata(media: MediaDescriptor[]): Record<string, string> {
  if (media.length === 0) return {};
  const items: FileSharingItem[] = media.map((m) => ({
    id: m.sid,
    name: m.filename ?? m.sid,
    extension: extensionOf(m.filename, m.contentType),
    url: m.url,
    contentType: m.contentType,
    size: m.size,
    category: m.category,
    twilioMedia: true,
    ...(m.filename === null ? { unnamed: true as const } : {}),
  }));
  return {
    [MEDIA_KEYS.fileSharing]: JSON.stringify(items),
    [MEDIA_KEYS.hasAttachment]: "true",
    [MEDIA_KEYS.attachmentUrl]: media[0]!.url,
  };
}

/** Bounds of what other clients write: far above real descriptions (this library writes at most 10 files per message by default). */
const MAX_ITEMS = 50;
const MAX_TEXT = 4096;
/** Ids a media store hands out (UUIDs, say): never a path (`..`) when put into the store's URL. */
const STORE_ID = /^[\w-][\w.-]*$/;
const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

/**
 * The attachments a message's metadata describes, in either convention; [] when none or
 * unreadable. Items that are not well-formed are left out and reported, never thrown.
 */
export function decodeMediaMetadata(metadata: Record<string, string> | undefined, report: ReportProblem = ignoreProblems): MediaDescriptor[] {
  const sharing = metadataText(metadata, MEDIA_KEYS.fileSharing);
  if (sharing !== undefined) {
    // The array of flat items, with room for a nested field or two from other clients.
    const parsed = parseBoundedJson(sharing, { maxBytes: ACS_LIMITS.messageSizeBytes, maxDepth: 4 });
    const items = "value" in parsed && Array.isArray(parsed.value) ? parsed.value : [];
    const media = items.slice(0, MAX_ITEMS).flatMap(toDescriptor);
    if (media.length < items.length || !("value" in parsed)) report({ kind: "media", message: "Malformed file descriptions left out" });
    if (media.length > 0 || items.length > 0) return media;
  }
  const url = boundedText(metadataText(metadata, MEDIA_KEYS.attachmentUrl), MAX_TEXT);
  if (url && metadataText(metadata, MEDIA_KEYS.hasAttachment) === "true") {
    const name = fileNameOf(url);
    return [{ sid: url, filename: name, contentType: contentTypeOf(name), size: 0, category: "media", url, inStore: false }];
  }
  return [];
}

/** The last path segment of a URL a native client wrote, or "attachment" when it has none or is malformed. */
function fileNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url, "https://placeholder").pathname.split("/").pop() || "attachment");
  } catch {
    return "attachment";
  }
}

/** One description, every field type-checked and bounded; none when its id or url is unusable. */
function toDescriptor(item: unknown): MediaDescriptor[] {
  const value: Record<string, unknown> = item && typeof item === "object" ? (item as Record<string, unknown>) : {};
  const id = boundedText(value.id, MAX_TEXT);
  const url = boundedText(value.url, MAX_TEXT);
  if (!id || url === undefined) return [];
  const ours = value.twilioMedia === true;
  const name = boundedText(value.name, MAX_TEXT);
  const filename = name !== undefined && !(ours && value.unnamed === true) ? name : null;
  const statedType = boundedText(value.contentType, MAX_TEXT);
  return [
    {
      sid: id,
      filename,
      contentType: statedType && MIME_TYPE.test(statedType) ? statedType : contentTypeOf(filename?.includes(".") ? filename : (boundedText(value.extension, MAX_TEXT) ?? filename ?? "")),
      size: Number.isSafeInteger(value.size) && (value.size as number) >= 0 ? (value.size as number) : 0,
      category: CATEGORIES.find((c) => c === value.category) ?? "media",
      url,
      // Only an id a store could have made: it goes into the store's URL path.
      inStore: ours && STORE_ID.test(id),
    },
  ];
}

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain",
  json: "application/json",
  mp4: "video/mp4",
  mp3: "audio/mpeg",
};

function contentTypeOf(nameOrExtension: string): string {
  const extension = nameOrExtension.includes(".") ? nameOrExtension.split(".").pop()! : nameOrExtension;
  return TYPES[extension.toLowerCase()] ?? "application/octet-stream";
}

function extensionOf(filename: string | null, contentType: string): string {
  const fromName = filename?.includes(".") ? filename.split(".").pop() : undefined;
  if (fromName) return fromName.toLowerCase();
  return Object.entries(TYPES).find(([, type]) => type === contentType)?.[0] ?? "";
}
