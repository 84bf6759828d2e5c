/**
 * The realtime server's HTTP side, as `@azure/communication-signaling` calls it from a browser:
 * - `POST /v4/a` (negotiate, "allocate"): the user's ACS token in `X-Skypetoken`; answers where to
 *   connect (`socketio`), the endpoint to register (`surl`) and signed `connectparams`;
 * - `GET /socket.io/1/?<connectparams>...` (socket.io handshake, token again): answers
 *   `<session id>:<heartbeat s>:<close s>:websocket`;
 * - the WebSocket upgrade at `/socket.io/1/websocket/<session id>?<connectparams>...`;
 * - `POST /registrar/v3/registrations` (`{ registrationId, transports: { TROUTER: [{ path: surl }] } }`)
 *   and `DELETE /registrar/v3/registrations/<id>`: notifications go to registered endpoints only;
 * - `GET /`: `Trouter`, the client's connectivity check.
 * Expired, revoked or foreign tokens answer 401; every answer carries CORS headers for the page.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { ApiError, badRequest, notFound, unauthorized } from "../api-error.js";
import type { FaultController } from "../faults.js";
import { readBody, type RequestLogEntry } from "../http-api.js";
import type { TokenHolder } from "../identity-service.js";
import type { RealtimeSessions } from "./sessions.js";
import { parseJson } from "./socket-io.js";

export interface RealtimeHttpDependencies {
  sessions: RealtimeSessions;
  /** Checks a user token (ACS's rules); throws a 401/403 ApiError. */
  verifyToken: (token: string) => TokenHolder;
  faults: FaultController;
  now: () => number;
  onRequest: (entry: RequestLogEntry) => void;
}

const REGISTRATIONS = "/registrar/v3/registrations";
const MAX_BODY_BYTES = 64 * 1024;

interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

export function createRealtimeListener(deps: RealtimeHttpDependencies) {
  const { sessions } = deps;
  const holderOf = (req: IncomingMessage): TokenHolder => {
    const token = header(req, "x-skypetoken") ?? header(req, "authorization")?.match(/^Bearer (.+)$/i)?.[1];
    if (!token) throw unauthorized("The request has no X-Skypetoken.");
    return deps.verifyToken(token);
  };
  const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body), contentType: "application/json; charset=utf-8" });

  const handle = (method: string, path: string, url: URL, req: IncomingMessage, body: Buffer): Reply => {
    if (method === "GET" && path === "/") return { status: 200, body: "Trouter", contentType: "text/plain" };
    if (method === "POST" && path === "/v4/a") return json(200, sessions.allocate(holderOf(req), deps.now()));
    if (method === "GET" && /^\/socket\.io\/1\/?$/.test(path)) {
      const holder = holderOf(req);
      const allocation = sessions.allocationFor(url.searchParams, holder.userId);
      if (!allocation) throw unauthorized("The connection parameters are not valid for this user.");
      const timeout = sessions.handshakeTimeoutSeconds;
      return { status: 200, body: `${sessions.handshake(allocation)}:${timeout}:${timeout}:websocket`, contentType: "text/plain" };
    }
    if (method === "POST" && path === REGISTRATIONS) {
      const holder = holderOf(req);
      const registration = parseJson(body.toString("utf8")) as { registrationId?: unknown; transports?: { TROUTER?: Array<{ path?: unknown }> } } | undefined;
      const endpoint = registration?.transports?.TROUTER?.[0]?.path;
      if (typeof registration?.registrationId !== "string" || typeof endpoint !== "string") {
        throw badRequest("A registration needs registrationId and transports.TROUTER[0].path.");
      }
      if (!sessions.register(holder.userId, registration.registrationId, endpoint)) throw badRequest("The endpoint is not one of this user's connections.");
      return { status: 202 };
    }
    if (method === "DELETE" && path.startsWith(`${REGISTRATIONS}/`)) {
      sessions.unregister(holderOf(req).userId, path.slice(REGISTRATIONS.length + 1));
      return { status: 200 };
    }
    throw notFound(`No realtime operation at ${method} ${path}.`);
  };

  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "https://realtime.invalid");
    const path = url.pathname;
    const entry: RequestLogEntry = { method, path, operation: `${method} ${operationOf(path)}`, status: 0, durationInMs: 0 };
    const finish = (reply: Reply | undefined) => {
      entry.status = reply?.status ?? 0;
      entry.durationInMs = performance.now() - started;
      if (reply) send(req, res, reply);
      else req.socket.destroy();
      deps.onRequest(entry);
    };
    if (method === "OPTIONS" && req.headers.origin) return finish({ status: 204 });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      return finish(errorReply(error));
    }
    const fault = deps.faults.take(method, path);
    if (fault) {
      entry.fault = fault.kind === "status" ? String(fault.status) : fault.kind;
      if (fault.kind === "drop" || fault.kind === "disconnect") return finish(undefined);
      if (fault.kind === "status") return finish(errorReply(new ApiError(fault.status, "Fault", "Fault injected by the emulator.")));
      if (fault.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.delayInMs));
    }
    try {
      const reply = handle(method, path, url, req, body);
      finish(fault?.kind === "dropAnswer" ? undefined : reply);
    } catch (error) {
      finish(errorReply(error));
    }
  };

  /** The WebSocket upgrade of a handshaken session; anything else is refused with 401 or 404. */
  const upgrade = (wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? "/", "https://realtime.invalid");
    const sid = /^\/socket\.io\/1\/websocket\/([^/]+)$/.exec(url.pathname)?.[1];
    const entry: RequestLogEntry = { method: "GET", path: url.pathname, operation: "GET /socket.io/1/websocket/{sessionId}", status: 101, durationInMs: 0 };
    const fault = deps.faults.take("GET", url.pathname);
    if (fault && fault.kind !== "delay") {
      entry.fault = fault.kind === "status" ? String(fault.status) : fault.kind;
      entry.status = 0;
      socket.destroy();
      deps.onRequest(entry);
      return;
    }
    if (!sid || !sessions.canOpen(sid, url.searchParams)) {
      entry.status = sid ? 401 : 404;
      socket.end(`HTTP/1.1 ${entry.status} ${sid ? "Unauthorized" : "Not Found"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      deps.onRequest(entry);
      return;
    }
    const accept = () => wss.handleUpgrade(req, socket, head, (ws) => sessions.open(sid, ws));
    if (fault?.kind === "delay") setTimeout(accept, fault.delayInMs);
    else accept();
    deps.onRequest(entry);
  };

  return { listener, upgrade };
}

function operationOf(path: string): string {
  if (path.startsWith(`${REGISTRATIONS}/`)) return `${REGISTRATIONS}/{registrationId}`;
  if (path.startsWith("/socket.io/1")) return "/socket.io/1/";
  return path;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorReply(error: unknown): Reply {
  if (error instanceof ApiError) return { status: error.status, body: JSON.stringify(error.toBody()), contentType: "application/json; charset=utf-8" };
  return { status: 500, body: JSON.stringify({ error: { code: "InternalServerError", message: error instanceof Error ? error.message : String(error) } }), contentType: "application/json; charset=utf-8" };
}

function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {};
  const origin = req.headers.origin;
  if (origin) {
    headers["access-control-allow-origin"] = origin;
    headers.vary = "Origin";
    headers["access-control-expose-headers"] = "*";
    if (req.method === "OPTIONS") {
      const requested = req.headers["access-control-request-headers"];
      headers["access-control-allow-methods"] = "GET, POST, DELETE";
      headers["access-control-allow-headers"] = typeof requested === "string" ? requested : "x-skypetoken, content-type";
      headers["access-control-max-age"] = "600";
    }
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...headers, "content-length": "0" });
    res.end();
    return;
  }
  res.writeHead(reply.status, { ...headers, "content-type": reply.contentType ?? "text/plain", "content-length": String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}
