/**
 * The server kit mounted in plain node:http: what replaces a Twilio app's token server.
 * `npx tsx examples/server/node-http.ts` starts it against a local ACS emulator (no Azure account).
 * In production, give it your ACS connection string and your own `authenticate`.
 *
 * Endpoints (all from the kit's one Fetch-API handler): POST /token, /directory/..., POST
 * /conversations/{sid}/join, POST /events (Event Grid).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { createServerKit, EventGridSource, MemoryDirectoryStore, type DirectoryStore, type ServerKit } from "../../src/server/index.js";

export interface ExampleServerOptions {
  connectionString: string;
  /** PEM of the emulator's certificate, when the ACS endpoint is the local emulator. */
  ca?: string;
  port?: number;
  store?: DirectoryStore;
  /** A media endpoint to name in tokens (the emulator's endpoint in demos). */
  mediaUrl?: string;
  /** The secret Event Grid deliveries must carry; default `EVENT_GRID_SECRET`, else a random one. */
  eventGridSecret?: string;
}

export interface ExampleServer {
  url: string;
  kit: ServerKit;
  eventGrid: EventGridSource;
  /** The endpoint URL to give the Event Grid subscription (or `emulator.addWebhook`): it carries the secret. */
  eventGridUrl: string;
  close(): Promise<void>;
}

/**
 * node:http <-> Fetch API: the only glue a framework without Fetch support needs. The body is
 * streamed, never buffered here, so that the kit's byte caps decide how much of it is read.
 */
function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  });
}

async function send(req: IncomingMessage, res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // A body the handler left unread (refused with 413, say) must not be drained by node to reuse
  // the connection: close it instead.
  if (!req.complete) headers.connection = "close";
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

export async function startExampleServer(options: ExampleServerOptions): Promise<ExampleServer> {
  const eventGridSecret = options.eventGridSecret ?? process.env.EVENT_GRID_SECRET ?? randomBytes(24).toString("base64url");
  const eventGrid = new EventGridSource({ secret: eventGridSecret });
  let handle: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
  const server = createServer((req, res) => {
    void Promise.resolve()
      .then(() => handle(toRequest(req, url)))
      .then((response) => send(req, res, response))
      .catch(() => send(req, res, new Response(null, { status: 500 })));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kit = createServerKit({
    connectionString: options.connectionString,
    signingSecret: process.env.TOKEN_SIGNING_SECRET ?? "example-only-secret-replace-me-in-production!",
    publicUrl: url,
    store: options.store ?? new MemoryDirectoryStore(),
    // Demo authentication: the identity in a header. A real app checks its session or OAuth token here.
    authenticate: (request) => request.headers.get("x-demo-user") ?? undefined,
    // Demo policy: anyone may join any conversation (a real app asks its database).
    authorizeJoin: () => true,
    eventGrid,
    // Demo: browser pages from any origin (examples/web-chat) may call the kit. A real app lists its own origins.
    cors: { origins: "*", allowHeaders: ["x-demo-user"] },
    // Demo: the emulator keeps attachments. In production pass `mediaStore: BlobMediaStore.fromConnectionString(...)`.
    ...(options.mediaUrl ? { mediaUrl: options.mediaUrl } : {}),
    ...(options.ca ? { acsClientOptions: { tlsOptions: { ca: options.ca } } } : {}),
  });
  handle = kit.handle;
  const eventGridUrl = `${url}/events?secret=${encodeURIComponent(eventGridSecret)}`;
  return { url, kit, eventGrid, eventGridUrl, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Run directly: an emulator and the server, until Ctrl-C.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  const { startEmulator } = await import("../../src/emulator/index.js");
  const emulator = await startEmulator();
  const server = await startExampleServer({ connectionString: emulator.connectionString, ca: emulator.caPem, mediaUrl: emulator.endpoint, port: Number(process.env.PORT ?? 3000) });
  console.log(`Server kit at ${server.url} (ACS emulator at ${emulator.endpoint})`);
  console.log(`Try: curl -X POST -H "x-demo-user: alice" ${server.url}/token`);
  process.once("SIGINT", () => void Promise.all([server.close(), emulator.close()]).then(() => process.exit(0)));
}
