/**
 * Attachments in message metadata: what this library writes reads back exactly (property test);
 * what native clients write reads as media; malformed metadata reads as no media, never a throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMediaMetadata, encodeMediaMetadata, type MediaDescriptor } from "../../../src/mapping/media-metadata.js";

const descriptor: fc.Arbitrary<MediaDescriptor> = fc.record({
  sid: fc.uuid(),
  filename: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: null }),
  contentType: fc.constantFrom("image/png", "text/plain", "application/pdf", "application/x-custom"),
  size: fc.nat(),
  category: fc.constantFrom("media" as const, "body" as const, "history" as const),
  url: fc.webUrl(),
  inStore: fc.constant(true),
});

describe("media metadata", () => {
  it("reads back what it writes, unnamed files included", () => {
    fc.assert(fc.property(fc.array(descriptor, { minLength: 1, maxLength: 5 }), (media) => {
      expect(decodeMediaMetadata(encodeMediaMetadata(media))).toEqual(media);
    }));
  });

  it("writes both conventions native clients read", () => {
    const metadata = encodeMediaMetadata([{ sid: "s1", filename: "chart.png", contentType: "image/png", size: 3, category: "media", url: "https://files.example/s1", inStore: true }]);
    expect(JSON.parse(metadata.fileSharingMetadata!)[0]).toMatchObject({ id: "s1", name: "chart.png", extension: "png", url: "https://files.example/s1" });
    expect([metadata.hasAttachment, metadata.attachmentUrl]).toEqual(["true", "https://files.example/s1"]);
  });

  it("reads native clients' files, typing them by name or extension", () => {
    const sharing = JSON.stringify([
      { id: "a", name: "report.pdf", extension: "pdf", url: "https://x.example/a" },
      { id: "b", name: "photo", extension: "png", url: "https://x.example/b" },
    ]);
    const media = decodeMediaMetadata({ fileSharingMetadata: sharing });
    expect(media.map((m) => [m.filename, m.contentType, m.inStore])).toEqual([
      ["report.pdf", "application/pdf", false],
      ["photo", "image/png", false],
    ]);
    expect(decodeMediaMetadata({ hasAttachment: "true", attachmentUrl: "https://x.example/files/notes.txt" })[0]).toMatchObject({ filename: "notes.txt", contentType: "text/plain" });
  });

  it("reads malformed metadata as no media or a generic name, never throwing", () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom("fileSharingMetadata", "hasAttachment", "attachmentUrl"), fc.string()), (metadata) => {
      expect(() => decodeMediaMetadata(metadata)).not.toThrow();
    }));
    expect(decodeMediaMetadata({ hasAttachment: "true", attachmentUrl: "https://x.example/100%.png" })[0]!.filename).toBe("attachment");
    expect(decodeMediaMetadata({ hasAttachment: "true", attachmentUrl: "https://" })[0]!.filename).toBe("attachment");
    expect(decodeMediaMetadata({ fileSharingMetadata: "not json" })).toEqual([]);
  });
});
