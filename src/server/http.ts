/**
 * The server kit's HTTP plumbing: its typed error (answered as JSON), JSON answers, and the one
 * way it reads a request body, byte-capped whatever the transfer encoding.
 */

/** An answer the kit gives on purpose: status, a stable code, a message naming the field and the limit. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers?: Record<string, string>,
    readonly twilioCode?: number,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers } });
}

/**
 * The request's body, read chunk by chunk from `request.body` and refused with 413 as soon as it
 * passes `maxBytes`: a declared `Content-Length` is only a hint (chunked bodies have none), so the
 * count of bytes actually pulled decides. On refusal the stream is cancelled, so at most one chunk
 * past the cap is ever held. `setting` names the option that sets the cap, for the 413's message.
 */
export async function readBody(request: Request, maxBytes: number, setting: string): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new HttpError(413, "PayloadTooLarge", `body: at most ${maxBytes} bytes are accepted here (${setting}).`);
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await stream.cancel().catch(() => undefined);
    throw tooLarge();
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** A JSON body of at most `maxBytes`: 413 past it, 400 when it is not JSON. */
export async function readJson(request: Request, maxBytes: number, setting: string): Promise<unknown> {
  const bytes = await readBody(request, maxBytes, setting);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new HttpError(400, "BadRequest", "The body is not JSON.");
  }
}
