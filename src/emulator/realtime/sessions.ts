/**
 * The realtime server's state: allocations (what negotiate hands out), socket sessions (one per
 * socket.io handshake, live while its WebSocket is), registrations (the registrar's link from a
 * user to an allocation's endpoint), and delivery of notifications to the registered, connected
 * sockets of each recipient. Nothing is queued for a user who is away: as in ACS, a notification
 * that finds no socket is gone.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { WebSocket } from "ws";
import type { ChatChange } from "../event-grid.js";
import type { FaultController } from "../faults.js";
import type { TokenHolder } from "../identity-service.js";
import { toNotifications, type RealtimeEventName, type RealtimeNotification } from "./notifications.js";
import { decodePayload, encodePacket, parseJson, type Packet } from "./socket-io.js";

/** What negotiate (`POST /v4/a`) answers: where to connect and the signed parameters to connect with. */
export interface Allocation {
  id: string;
  userId: string;
  holder: TokenHolder;
  /** Signed into the socket URL by the client (its `connectparams`). */
  connectparams: { sr: string; se: string; sig: string };
}

interface Session {
  sid: string;
  allocation: Allocation;
  socket?: WebSocket;
  /** Ids of this socket's Trouter requests, for matching the client's answers. */
  nextRequestId: number;
  lastHeard: number;
  heartbeat?: ReturnType<typeof setInterval>;
}

export interface RealtimeSessionsOptions {
  /** How often the server sends a socket.io heartbeat and checks the token (default 25 s). */
  heartbeatIntervalInMs?: number;
}

/** One delivered notification, as the emulator saw it go out (for tests and the bench). */
export interface DeliveredNotification {
  event: RealtimeEventName;
  recipient: string;
  /** How many sockets it went to. */
  sockets: number;
}

export class RealtimeSessions {
  readonly #allocations = new Map<string, Allocation>();
  readonly #sessions = new Map<string, Session>();
  /** registrationId -> the allocation it points at. */
  readonly #registrations = new Map<string, { userId: string; allocationId: string }>();
  readonly #signingKey = randomBytes(32);
  readonly #heartbeatMs: number;
  /** Answers the clients sent to delivered notifications (status 200 when a handler took it). */
  readonly answers: Array<{ userId: string; status: number }> = [];

  constructor(
    private readonly baseUrl: () => string,
    private readonly stillValid: (holder: TokenHolder) => boolean,
    private readonly faults: FaultController,
    private readonly onDelivered: (delivered: DeliveredNotification) => void,
    options: RealtimeSessionsOptions = {},
  ) {
    this.#heartbeatMs = options.heartbeatIntervalInMs ?? 25_000;
  }

  /** The socket.io handshake's heartbeat and close timeouts, in seconds (the client allows each plus 2 s). */
  get handshakeTimeoutSeconds(): number {
    return Math.max(5, Math.ceil((this.#heartbeatMs * 2) / 1000));
  }

  allocate(holder: TokenHolder, now: number) {
    const id = randomBytes(12).toString("hex");
    const se = String(now + 24 * 60 * 60 * 1000);
    const allocation: Allocation = { id, userId: holder.userId, holder, connectparams: { sr: id, se, sig: this.#sign(id, holder.userId, se) } };
    this.#allocations.set(id, allocation);
    const base = this.baseUrl();
    return {
      socketio: `${base}/`,
      url: `${base}/${id}/`,
      surl: `${base}/${id}/`,
      curlb: base,
      id,
      ccid: randomBytes(6).toString("hex"),
      ttl: "86400",
      connectparams: allocation.connectparams,
    };
  }

  /** The allocation the signed parameters of a handshake or socket URL name, if they are genuine and the user's. */
  allocationFor(query: URLSearchParams, userId?: string): Allocation | undefined {
    const allocation = this.#allocations.get(query.get("sr") ?? "");
    if (!allocation || (userId !== undefined && allocation.userId !== userId)) return undefined;
    const given = Buffer.from(query.get("sig") ?? "");
    const expected = Buffer.from(allocation.connectparams.sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    if (query.get("se") !== allocation.connectparams.se || Number(allocation.connectparams.se) < Date.now()) return undefined;
    return allocation;
  }

  /** A socket.io session for an allocation: its id goes into the WebSocket URL. */
  handshake(allocation: Allocation): string {
    const sid = randomUUID().replace(/-/g, "");
    this.#sessions.set(sid, { sid, allocation, nextRequestId: 1, lastHeard: Date.now() });
    // A handshake whose WebSocket never comes is forgotten after a minute.
    setTimeout(() => {
      if (!this.#sessions.get(sid)?.socket) this.#sessions.delete(sid);
    }, 60_000).unref();
    return sid;
  }

  /** Whether a WebSocket may open on this session: known, not yet open, and its token still valid. */
  canOpen(sid: string, query: URLSearchParams): boolean {
    const session = this.#sessions.get(sid);
    return session !== undefined && !session.socket && this.allocationFor(query, session.allocation.userId) === session.allocation && this.stillValid(session.allocation.holder);
  }

  open(sid: string, socket: WebSocket): void {
    const session = this.#sessions.get(sid)!;
    session.socket = socket;
    session.lastHeard = Date.now();
    socket.on("message", (data) => this.#onFrame(session, String(data)));
    socket.on("close", () => this.#closed(session));
    socket.on("error", () => this.#cut(session));
    this.#send(session, [
      { type: "connect" },
      { type: "event", name: "trouter.connected", args: [{ dur: "1", ttl: 86400 }] },
    ]);
    session.heartbeat = setInterval(() => {
      if (!this.stillValid(session.allocation.holder)) return this.#endUnauthorized(session);
      // The client answers every heartbeat: two intervals of silence is a dead peer.
      if (Date.now() - session.lastHeard > 2 * this.#heartbeatMs + 1000) return this.#cut(session);
      this.#send(session, [{ type: "heartbeat" }]);
    }, this.#heartbeatMs);
  }

  /** The registrar: links an allocation's endpoint (`surl`) to the user, so that notifications go there. */
  register(userId: string, registrationId: string, endpointPath: string): boolean {
    const allocationId = /\/([0-9a-f]+)\/?$/.exec(new URL(endpointPath, "https://x").pathname)?.[1];
    const allocation = allocationId ? this.#allocations.get(allocationId) : undefined;
    if (!allocation || allocation.userId !== userId) return false;
    this.#registrations.set(registrationId, { userId, allocationId: allocation.id });
    return true;
  }

  unregister(userId: string, registrationId: string): void {
    if (this.#registrations.get(registrationId)?.userId === userId) this.#registrations.delete(registrationId);
  }

  publish(change: ChatChange): void {
    for (const notification of toNotifications(change)) {
      const fault = this.faults.take("NOTIFY", `/realtime/${notification.event}/${notification.recipient}`);
      if (!fault) {
        this.#deliver(notification);
      } else if (fault.kind === "delay") {
        setTimeout(() => this.#deliver(notification), fault.delayInMs).unref();
      } else if (fault.kind === "disconnect") {
        this.drop(notification.recipient);
      }
      // "drop", "dropAnswer" and "status": lost.
    }
  }

  /** Cuts sockets without a goodbye, as a network failure would: of one user, or all. */
  drop(userId?: string): number {
    let dropped = 0;
    for (const session of this.#sessions.values()) {
      if (session.socket && (userId === undefined || session.allocation.userId === userId)) {
        this.#cut(session);
        dropped++;
      }
    }
    return dropped;
  }

  /** Tokens revoked or user deleted: the user's sockets end as unauthorized, and nothing of theirs stays. */
  revoke(userId: string): void {
    for (const session of [...this.#sessions.values()]) {
      if (session.allocation.userId === userId) this.#endUnauthorized(session);
    }
    for (const [id, allocation] of this.#allocations) if (allocation.userId === userId) this.#allocations.delete(id);
    for (const [id, registration] of this.#registrations) if (registration.userId === userId) this.#registrations.delete(id);
  }

  /** Open, registered sockets per user. */
  connections(): Array<{ userId: string; registered: boolean }> {
    return [...this.#sessions.values()]
      .filter((session) => session.socket)
      .map((session) => ({ userId: session.allocation.userId, registered: this.#isRegistered(session) }));
  }

  close(): void {
    for (const session of this.#sessions.values()) {
      clearInterval(session.heartbeat);
      session.socket?.terminate();
    }
    this.#sessions.clear();
  }

  #deliver(notification: RealtimeNotification): void {
    let sockets = 0;
    for (const session of this.#sessions.values()) {
      if (session.allocation.userId !== notification.recipient || !session.socket || !this.#isRegistered(session)) continue;
      const id = session.nextRequestId++;
      const request = {
        id,
        method: "POST",
        url: `${this.baseUrl()}/${session.allocation.id}/messaging`,
        headers: {
          "MS-CV": `${randomBytes(16).toString("base64").slice(0, 22)}.0`,
          "Content-Type": "application/json; charset=utf-8",
          "trouter-request": JSON.stringify({ id: randomUUID(), src: "acs-emulator" }),
        },
        body: JSON.stringify(notification.payload),
      };
      this.#send(session, [{ type: "message", data: JSON.stringify(request) }]);
      sockets++;
    }
    this.onDelivered({ event: notification.event, recipient: notification.recipient, sockets });
  }

  #isRegistered(session: Session): boolean {
    for (const registration of this.#registrations.values()) {
      if (registration.allocationId === session.allocation.id) return true;
    }
    return false;
  }

  #onFrame(session: Session, frame: string): void {
    session.lastHeard = Date.now();
    for (const packet of decodePayload(frame)) this.#onPacket(session, packet);
  }

  #onPacket(session: Session, packet: Packet): void {
    switch (packet.type) {
      case "event":
        // `ping`, `user.activity` and the like: the client waits for the ack (5 s for ping, then reconnects).
        if (packet.id) this.#send(session, [{ type: "ack", ackId: packet.id, args: [] }]);
        break;
      case "message": {
        // The client's answer to a notification: `{ id, status, headers, body }`.
        const answer = parseJson(packet.data) as { status?: unknown } | undefined;
        if (typeof answer?.status === "number") this.answers.push({ userId: session.allocation.userId, status: answer.status });
        if (packet.id && packet.ack === true) this.#send(session, [{ type: "ack", ackId: packet.id, args: [] }]);
        break;
      }
      case "disconnect":
        session.socket?.close();
        break;
      default:
        break; // heartbeats (answers to ours), noops
    }
  }

  #endUnauthorized(session: Session): void {
    // Trouter's reason for a token that no longer holds: the client fetches a fresh one before reconnecting.
    this.#send(session, [{ type: "disconnect", reason: JSON.stringify({ reason: "unauthorized" }) }]);
    session.socket?.close();
    this.#closed(session);
  }

  /** Ends a socket at once, without a close handshake; the session is gone before this returns. */
  #cut(session: Session): void {
    session.socket?.terminate();
    this.#closed(session);
  }

  #closed(session: Session): void {
    clearInterval(session.heartbeat);
    this.#sessions.delete(session.sid);
  }

  #send(session: Session, packets: Packet[]): void {
    const socket = session.socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    for (const packet of packets) socket.send(encodePacket(packet));
  }

  #sign(id: string, userId: string, se: string): string {
    return createHmac("sha256", this.#signingKey).update(`${id}\n${userId}\n${se}`).digest("base64url");
  }
}
