/**
 * The emulator's realtime server in Node: the socket.io framing, and the HTTP and socket rules
 * (tokens, signed connection parameters, registration) driven directly with `fetch` and a `ws`
 * client. The real SDK's whole path runs in Chromium: test/browser/realtime-sdk.test.ts.
 */
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePacket, decodePayload, encodePacket, encodePayload, type Packet } from "../../src/emulator/realtime/socket-io.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { createUser, identityClient, userRef, type TestUser } from "../helpers/acs.js";
import { fetchTrusting } from "../helpers/https-fetch.js";

describe("socket.io framing", () => {
  it.each<[string, Packet]>([
    ["0::", { type: "disconnect" }],
    ['0:::{"reason":"unauthorized"}', { type: "disconnect", reason: '{"reason":"unauthorized"}' }],
    ["1::", { type: "connect" }],
    ["2::", { type: "heartbeat" }],
    ['3:::{"id":1,"status":200}', { type: "message", data: '{"id":1,"status":200}' }],
    ['5:7+::{"name":"ping"}', { type: "event", id: "7", ack: "data", name: "ping", args: [] }],
    ['5:::{"name":"trouter.connected","args":[{"ttl":86400}]}', { type: "event", name: "trouter.connected", args: [{ ttl: 86400 }] }],
    ["6:::7", { type: "ack", ackId: "7", args: [] }],
    ['6:::7+["ok",1]', { type: "ack", ackId: "7", args: ["ok", 1] }],
    ["7:::2+0", { type: "error", reason: "unauthorized", advice: "reconnect" }],
    ["8::", { type: "noop" }],
  ])("%s", (text, packet) => {
    expect(decodePacket(text)).toEqual(packet);
    expect(encodePacket(packet)).toBe(text);
  });

  it("keeps colons inside the data, and refuses what is not a packet", () => {
    expect(decodePacket('3:::{"url":"https://h:1/a"}')).toEqual({ type: "message", data: '{"url":"https://h:1/a"}' });
    expect(decodePacket("9::")).toBeUndefined();
    expect(decodePacket("hello")).toBeUndefined();
    expect(decodePacket("5:::not json")).toBeUndefined();
  });

  it("frames several packets with \\ufffd<length>\\ufffd, counting UTF-16 units as the client does", () => {
    const packets: Packet[] = [{ type: "heartbeat" }, { type: "message", data: "héllo 👋" }];
    const frame = encodePayload(packets);
    expect(frame).toBe(`\ufffd3\ufffd2::\ufffd${"3:::héllo 👋".length}\ufffd3:::héllo 👋`);
    expect(decodePayload(frame)).toEqual(packets);
    expect(decodePayload("2::")).toEqual([{ type: "heartbeat" }]);
    expect(encodePayload([{ type: "connect" }])).toBe("1::");
  });
});

describe("the realtime server", () => {
  let emulator: Emulator;
  let clockOffsetMs = 0;
  let alice: TestUser;
  let bob: TestUser;
  let https: typeof fetch;

  beforeAll(async () => {
    emulator = await startEmulator({ now: () => Date.now() + clockOffsetMs, realtime: { heartbeatIntervalInMs: 500 } });
    https = fetchTrusting(emulator.caPem);
    [alice, bob] = await Promise.all([createUser(emulator), createUser(emulator)]);
  });
  afterAll(async () => emulator?.close());

  const allocate = (token: string) => https(`${emulator.realtime.url}/v4/a?epid=e1`, { method: "POST", headers: { "x-skypetoken": token, "content-type": "text/plain" } });
  const query = (connectparams: Record<string, string>) => new URLSearchParams({ ...connectparams, v: "v4", auth: "true" }).toString();

  /** Negotiate, handshake and open a socket as the signaling client does; resolves with the socket and its first packets. */
  async function connect(user: TestUser) {
    const allocation = (await (await allocate(user.token)).json()) as { socketio: string; surl: string; connectparams: Record<string, string> };
    const handshake = await https(`${emulator.realtime.url}/socket.io/1/?${query(allocation.connectparams)}&t=1`, { headers: { "x-skypetoken": user.token } });
    const [sid, heartbeat, close, transports] = (await handshake.text()).split(":");
    expect([Number(heartbeat) > 0, Number(close) > 0, transports]).toEqual([true, true, "websocket"]);
    const socket = new WebSocket(`${emulator.realtime.url.replace("https", "wss")}/socket.io/1/websocket/${sid}?${query(allocation.connectparams)}`, { ca: emulator.caPem });
    const packets: Packet[] = [];
    socket.on("message", (data) => packets.push(...decodePayload(String(data))));
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    return { socket, packets, allocation };
  }
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it("the config endpoint names the realtime server, for a user token only", async () => {
    // The Node SDK has no call for it (the browser SDK's signaling client makes it): plain HTTPS.
    const answer = await https(`${emulator.endpoint}/chat/config/realTimeNotifications?api-version=2024-09-01`, { headers: { authorization: `Bearer ${alice.token}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ trouterServiceUrl: emulator.realtime.url, registrarServiceUrl: `${emulator.realtime.url}/registrar`, cloudType: "Public" });
    expect((await https(`${emulator.endpoint}/chat/config/realTimeNotifications?api-version=2024-09-01`)).status).toBe(401);
  });

  it("negotiate refuses missing, expired and revoked tokens", async () => {
    expect((await https(`${emulator.realtime.url}/v4/a`, { method: "POST" })).status).toBe(401);
    const ok = await allocate(alice.token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await ok.json()).toMatchObject({ socketio: `${emulator.realtime.url}/`, surl: expect.stringContaining(emulator.realtime.url), connectparams: { sr: expect.any(String), se: expect.any(String), sig: expect.any(String) } });

    clockOffsetMs = 25 * 60 * 60 * 1000; // past the token's 24 hours
    try {
      expect((await allocate(alice.token)).status).toBe(401);
    } finally {
      clockOffsetMs = 0;
    }
    const identity = identityClient(emulator);
    const { user, token } = await identity.createUserAndToken(["chat"]);
    expect((await allocate(token)).status).toBe(200);
    await identity.revokeTokens(user);
    expect((await allocate(token)).status).toBe(401);
  });

  it("answers the browser's CORS preflight and the client's connectivity check", async () => {
    const preflight = await https(`${emulator.realtime.url}/v4/a`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST", "access-control-request-headers": "x-skypetoken,content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("x-skypetoken,content-type");
    expect(await (await https(`${emulator.realtime.url}/`)).text()).toBe("Trouter");
  });

  it("refuses a handshake or socket whose connection parameters are not the user's or are forged", async () => {
    const { connectparams } = (await (await allocate(alice.token)).json()) as { connectparams: Record<string, string> };
    expect((await https(`${emulator.realtime.url}/socket.io/1/?${query(connectparams)}`, { headers: { "x-skypetoken": bob.token } })).status).toBe(401);
    expect((await https(`${emulator.realtime.url}/socket.io/1/?${query({ ...connectparams, sig: "forged" })}`, { headers: { "x-skypetoken": alice.token } })).status).toBe(401);
    const socket = new WebSocket(`${emulator.realtime.url.replace("https", "wss")}/socket.io/1/websocket/nosuchsession?${query(connectparams)}`, { ca: emulator.caPem });
    const status = await new Promise<number | undefined>((resolve) => socket.once("unexpected-response", (_req, res) => resolve(res.statusCode)).once("open", () => resolve(undefined)));
    expect(status).toBe(401);
  });

  it("speaks socket.io: connect, trouter.connected, acks, heartbeats; delivers only to registered sockets; ends revoked ones", async () => {
    const identity = identityClient(emulator);
    const carol = await createUser(emulator, identity);
    const { socket, packets, allocation } = await connect(carol);
    await until(() => packets.length >= 2, "connect and trouter.connected");
    expect(packets.slice(0, 2)).toEqual([{ type: "connect" }, { type: "event", name: "trouter.connected", args: [{ dur: "1", ttl: 86400 }] }]);

    socket.send(encodePacket({ type: "event", id: "1", ack: "data", name: "ping", args: [] }));
    await until(() => packets.some((p) => p.type === "ack"), "the ping's ack");
    expect(packets.find((p) => p.type === "ack")).toEqual({ type: "ack", ackId: "1", args: [] });
    await until(() => packets.some((p) => p.type === "heartbeat"), "a heartbeat");
    socket.send(encodePacket({ type: "heartbeat" }));

    const { chatThread } = await alice.chat.createChatThread({ topic: "node" }, { participants: [{ id: userRef(alice) }, { id: userRef(carol) }] });
    const thread = alice.thread(chatThread!.id);
    await thread.sendMessage({ content: "unregistered" });
    expect(emulator.realtime.connections(carol.id)).toEqual([{ userId: carol.id, registered: false }]);

    // Another user cannot register carol's endpoint.
    const register = (user: TestUser) =>
      https(`${emulator.realtime.url}/registrar/v3/registrations`, {
        method: "POST",
        headers: { "x-skypetoken": user.token, "content-type": "application/json" },
        body: JSON.stringify({ registrationId: "r1", nodeId: "", clientDescription: { appId: "AcsWeb" }, transports: { TROUTER: [{ context: "", path: allocation.surl, ttl: 3600 }] } }),
      });
    expect((await register(bob)).status).toBe(400);
    expect((await register(carol)).status).toBe(202);
    await thread.sendMessage({ content: "registered" });
    await until(() => packets.some((p) => p.type === "message"), "a notification");
    const messages = packets.filter((p): p is Extract<Packet, { type: "message" }> => p.type === "message");
    expect(messages).toHaveLength(1);
    const request = JSON.parse(messages[0]!.data) as { id: number; method: string; body: string };
    expect(request).toMatchObject({ id: 1, method: "POST" });
    expect(JSON.parse(request.body)).toMatchObject({ eventId: 200, groupId: chatThread!.id, senderId: alice.id, recipientMri: carol.id, messageBody: "registered" });

    await identity.revokeTokens(userRef(carol));
    const closed = new Promise((resolve) => socket.once("close", resolve));
    await until(() => packets.some((p) => p.type === "disconnect"), "the unauthorized disconnect");
    expect(packets.find((p) => p.type === "disconnect")).toEqual({ type: "disconnect", reason: '{"reason":"unauthorized"}' });
    await closed;
    expect(emulator.realtime.connections(carol.id)).toEqual([]);
  });

  it("ends an open socket as unauthorized once its token has expired", async () => {
    const dave = await createUser(emulator);
    const { socket, packets } = await connect(dave);
    await until(() => packets.some((p) => p.type === "heartbeat"), "a heartbeat");
    socket.send(encodePacket({ type: "heartbeat" }));
    expect(packets.some((p) => p.type === "disconnect")).toBe(false);
    clockOffsetMs = 25 * 60 * 60 * 1000;
    try {
      const closed = new Promise((resolve) => socket.once("close", resolve));
      await until(() => packets.some((p) => p.type === "disconnect"), "the unauthorized disconnect");
      expect(packets.find((p) => p.type === "disconnect")).toEqual({ type: "disconnect", reason: '{"reason":"unauthorized"}' });
      await closed;
    } finally {
      clockOffsetMs = 0;
    }
    expect(emulator.realtime.connections(dave.id)).toEqual([]);
  });

  it("cuts a socket that stops answering heartbeats", async () => {
    const { socket, packets } = await connect(bob);
    await until(() => packets.some((p) => p.type === "heartbeat"), "a heartbeat");
    // Never answer: after two heartbeat intervals and a second, the server hangs up.
    const closedAt = await new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now())));
    expect(closedAt).toBeGreaterThan(0);
    expect(emulator.realtime.connections(bob.id)).toEqual([]);
  });
});
