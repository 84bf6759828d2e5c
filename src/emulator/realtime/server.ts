/**
 * The emulator's realtime notification server: ACS's Trouter and registrar as the browser build of
 * `@azure/communication-chat` reaches them (through `GET /chat/config/realTimeNotifications` on the
 * emulator's endpoint), on an HTTPS port of their own with the emulator's certificate.
 */
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { ChatChange } from "../event-grid.js";
import type { FaultController } from "../faults.js";
import type { RequestLogEntry } from "../http-api.js";
import type { TokenHolder } from "../identity-service.js";
import type { TlsMaterial } from "../state.js";
import { createRealtimeListener } from "./http.js";
import { RealtimeSessions, type DeliveredNotification } from "./sessions.js";

export interface RealtimeOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** How often heartbeats go out and tokens are checked on open sockets (default 25 s). */
  heartbeatIntervalInMs?: number;
}

/** The realtime side of the emulator, on `Emulator.realtime`. */
export interface RealtimeNotifications {
  /** `https://127.0.0.1:PORT`: the `trouterServiceUrl` (and registrar) the SDK is told of. */
  readonly url: string;
  /** Open sockets, with whether each is registered (only registered ones receive notifications). */
  connections(userId?: string): Array<{ userId: string; registered: boolean }>;
  /** Resolves once the user has `count` registered sockets; rejects after the timeout. */
  waitForConnections(userId: string, count?: number, timeoutInMs?: number): Promise<void>;
  /** Cuts open sockets, of one user or all, as a network failure would (no goodbye); returns how many. */
  drop(userId?: string): number;
  /** Calls back for each notification published (with how many sockets it reached); returns an unsubscribe. */
  onNotification(listener: (delivered: DeliveredNotification) => void): () => void;
}

export interface RealtimeServer extends RealtimeNotifications {
  publish(change: ChatChange): void;
  revoke(userId: string): void;
  close(): Promise<void>;
}

export interface RealtimeServerDependencies {
  host: string;
  tls: TlsMaterial;
  verifyToken: (token: string) => TokenHolder;
  stillValid: (holder: TokenHolder) => boolean;
  faults: FaultController;
  now: () => number;
  onRequest: (entry: RequestLogEntry) => void;
}

export async function startRealtimeServer(deps: RealtimeServerDependencies, options: RealtimeOptions = {}): Promise<RealtimeServer> {
  let url = "";
  const listeners = new Set<(delivered: DeliveredNotification) => void>();
  const sessions = new RealtimeSessions(() => url, deps.stillValid, deps.faults, (delivered) => listeners.forEach((listener) => listener(delivered)), {
    ...(options.heartbeatIntervalInMs !== undefined ? { heartbeatIntervalInMs: options.heartbeatIntervalInMs } : {}),
  });
  const { listener, upgrade } = createRealtimeListener({ sessions, verifyToken: deps.verifyToken, faults: deps.faults, now: deps.now, onRequest: deps.onRequest });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const server = createServer({ key: deps.tls.key, cert: deps.tls.cert }, (req, res) => void listener(req, res));
  server.on("upgrade", (req, socket, head) => upgrade(wss, req, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, deps.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `https://${deps.host.includes(":") ? `[${deps.host}]` : deps.host}:${port}`;

  const connections = (userId?: string) => sessions.connections().filter((c) => userId === undefined || c.userId === userId);
  return {
    url,
    connections,
    waitForConnections: async (userId, count = 1, timeoutInMs = 10_000) => {
      const deadline = Date.now() + timeoutInMs;
      while (connections(userId).filter((c) => c.registered).length < count) {
        if (Date.now() > deadline) throw new Error(`${userId} has no ${count} registered realtime connection(s) after ${timeoutInMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    drop: (userId) => sessions.drop(userId),
    onNotification: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish: (change) => sessions.publish(change),
    revoke: (userId) => sessions.revoke(userId),
    close: async () => {
      sessions.close();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
