/**
 * A `fetch` that trusts the emulator's self-signed certificate (Node's global fetch takes no CA
 * per call), for the media store's requests in tests.
 */
import { request } from "node:https";

export function fetchTrusting(ca: string): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await new Response(init.body as BodyInit).arrayBuffer());
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method ?? "GET", headers, ca, signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") responseHeaders.set(name, value);
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  };
}
