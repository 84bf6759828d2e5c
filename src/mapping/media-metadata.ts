/**
 * Attachments in ACS message metadata, in the two conventions native ACS clients read: the ACS
 * UI Library's `fileSharingMetadata` (a JSON array of `{ id, name, extension, url }`) and the
 * migration guide's `hasAttachment` / `attachmentUrl`. Items this library writes carry more
 * (content type, size, category, and a marker) so Twilio's Media round-trips; items written by
 * native clients read as media too, with what they have.
 */
import type { MediaCategory } from "../conversations/types.js";

export const MEDIA_KEYS = {
  fileSharing: "fileSharingMetadata",
  hasAttachment: "hasAttachment",
  attachmentUrl: "attachmentUrl",
} as const;

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

/** The attachments a message's metadata describes, in either convention; [] when none or unreadable. */
export function decodeMediaMetadata(metadata: Record<string, string> | undefined): MediaDescriptor[] {
  const sharing = metadata?.[MEDIA_KEYS.fileSharing];
  if (sharing !== undefined) {
    let items: unknown;
    try {
      items = JSON.parse(sharing);
    } catch {
      items = undefined;
    }
    if (Array.isArray(items)) return items.flatMap((item) => toDescriptor(item));
  }
  const url = metadata?.[MEDIA_KEYS.attachmentUrl];
  if (url && metadata?.[MEDIA_KEYS.hasAttachment] === "true") {
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

function toDescriptor(item: unknown): MediaDescriptor[] {
  if (!item || typeof item !== "object") return [];
  const value = item as Partial<FileSharingItem>;
  if (typeof value.id !== "string" || typeof value.url !== "string") return [];
  const filename = typeof value.name === "string" && !(value.twilioMedia === true && value.unnamed === true) ? value.name : null;
  return [
    {
      sid: value.id,
      filename,
      contentType: typeof value.contentType === "string" ? value.contentType : contentTypeOf(filename?.includes(".") ? filename : (value.extension ?? filename ?? "")),
      size: typeof value.size === "number" && value.size >= 0 ? value.size : 0,
      category: value.category && CATEGORIES.includes(value.category) ? value.category : "media",
      url: value.url,
      inStore: value.twilioMedia === true,
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
