/**
 * Media URLs from others' file descriptions: only https at the known media origins or the app's
 * allowed ones; loopback (http or https) only beside a loopback media store (the emulator).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mediaUrlChecker } from "../../../src/media/media-url-policy.js";

describe("mediaUrlChecker", () => {
  const production = mediaUrlChecker(["https://media.contoso.example/api", "https://contoso.blob.core.windows.net"], ["https://cdn.partner.example"]);

  it("passes https URLs at the store's origins and the allowed ones", () => {
    expect(production("https://contoso.blob.core.windows.net/files/a.png?sig=x")).toBe("https://contoso.blob.core.windows.net/files/a.png?sig=x");
    expect(production("https://media.contoso.example/media/1/content")).toBe("https://media.contoso.example/media/1/content");
    expect(production("https://cdn.partner.example/x.pdf")).toBe("https://cdn.partner.example/x.pdf");
  });

  it("refuses script, metadata-service, tracking and look-alike URLs", () => {
    for (const url of [
      "javascript:alert(document.cookie)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "https://tracker.example/pixel.gif?user=bob",
      "http://contoso.blob.core.windows.net/files/a.png",
      "https://contoso.blob.core.windows.net.evil.example/a.png",
      "https://contoso.blob.core.windows.net@evil.example/a.png",
      "https://user:pass@contoso.blob.core.windows.net/a.png",
      "http://127.0.0.1:8080/admin",
      "http://localhost/",
      "//contoso.blob.core.windows.net/a.png",
      "/relative/path",
      "",
    ]) {
      expect(production(url), url).toBeNull();
    }
  });

  it("passes loopback URLs only when the media store is on loopback", () => {
    const development = mediaUrlChecker(["https://127.0.0.1:50123"]);
    expect(development("https://127.0.0.1:50123/media/1/content?sig=a")).toBe("https://127.0.0.1:50123/media/1/content?sig=a");
    expect(development("http://localhost:3000/x.png")).toBe("http://localhost:3000/x.png");
    expect(development("http://169.254.169.254/latest/meta-data/")).toBeNull();
    expect(development("javascript:alert(1)")).toBeNull();
    expect(mediaUrlChecker(["https://media.contoso.example"])("http://127.0.0.1:50123/x")).toBeNull();
  });

  it("allows nothing without a store or an allow-list, and never an origin-less URL through an allow-list", () => {
    fc.assert(fc.property(fc.oneof(fc.webUrl(), fc.string()), (url) => {
      expect(mediaUrlChecker([])(url)).toBeNull();
    }));
    const odd = mediaUrlChecker(["javascript:alert(1)", "not a url"], ["data:text/plain,x", "null"]);
    fc.assert(fc.property(fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom("javascript:alert(1)", "data:text/plain,x")), (url) => {
      expect(odd(url)).toBeNull();
    }));
  });

  it("hands out only http(s) URLs at an allowed origin, for any input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string(), fc.constantFrom("https://contoso.blob.core.windows.net/")), (url) => {
        const checked = production(url);
        if (checked === null) return;
        expect(["https://media.contoso.example", "https://contoso.blob.core.windows.net", "https://cdn.partner.example"]).toContain(new URL(checked).origin);
      }),
    );
  });
});
