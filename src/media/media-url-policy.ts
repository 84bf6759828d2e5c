/**
 * Which media URLs from message metadata a client hands to its app. Another participant can name
 * any URL there: `javascript:` links, cloud metadata addresses (request forgery for bots that
 * download media), tracking pixels loaded on render. Only `https:` URLs at the media origins the
 * client knows (its media store's, the token's media endpoint) or that the app allows pass; in
 * development, loopback URLs pass when the media store itself is on loopback (the emulator).
 * Pure: no I/O. Browser-safe.
 */

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function parsed(url: string): URL | undefined {
  try {
    const value = new URL(url);
    return value.protocol === "https:" || value.protocol === "http:" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @param knownOrigins URLs of the client's media store and media endpoint (their origins are trusted over https).
 * @param allowedOrigins origins the app allows as they are, e.g. `https://contoso.blob.core.windows.net`.
 * @returns the URL to hand out, or null when it is not allowed.
 */
export function mediaUrlChecker(knownOrigins: readonly string[], allowedOrigins: readonly string[] = []): (url: string) => string | null {
  const known = knownOrigins.map(parsed).filter((url): url is URL => url !== undefined);
  const trusted = new Set([
    ...known.filter((url) => url.protocol === "https:").map((url) => url.origin),
    ...allowedOrigins.map(parsed).filter((url): url is URL => url !== undefined).map((url) => url.origin),
  ]);
  const loopbackStore = known.some((url) => LOOPBACK_HOST.test(url.hostname));
  return (text) => {
    const url = parsed(text);
    // Credentials in a URL are a phishing device (`https://bank@evil.example`), never a media link.
    if (!url || url.username || url.password) return null;
    if (trusted.has(url.origin) || (loopbackStore && LOOPBACK_HOST.test(url.hostname))) return url.href;
    return null;
  };
}
