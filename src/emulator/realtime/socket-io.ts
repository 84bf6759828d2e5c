/**
 * The framing Trouter speaks over its WebSocket: socket.io protocol 1 (socket.io 0.9), which the
 * ACS signaling client (`@azure/communication-signaling`, through `@skype/tstrouter`) embeds.
 *
 * A packet is `type:id[+]:endpoint[:data]`:
 * - `0` disconnect (data: a reason; Trouter writes `{"reason":"unauthorized"}` and the like),
 * - `1` connect, `2` heartbeat (each side echoes the other's), `8` noop,
 * - `3` message (data: a string; Trouter's downstream requests and the client's answers are JSON in it),
 * - `5` event (data: `{"name","args"}`; `id+` asks for an ack carrying data),
 * - `6` ack (data: `ackId[+json args]`), `7` error (data: `reason+advice` indexes).
 * Several packets in one frame are `\ufffd<length>\ufffd<packet>` each.
 */

const TYPES = ["disconnect", "connect", "heartbeat", "message", "json", "event", "ack", "error", "noop"] as const;
export type PacketType = (typeof TYPES)[number];

const REASONS = ["transport not supported", "client not handshaken", "unauthorized"] as const;
const ADVICE = ["reconnect"] as const;

interface Common {
  /** Message or event id; with `ack: "data"` the peer answers with an ack carrying arguments. */
  id?: string;
  ack?: true | "data";
  endpoint?: string;
}

export type Packet = Common &
  (
    | { type: "disconnect"; reason?: string }
    | { type: "connect"; query?: string }
    | { type: "heartbeat" }
    | { type: "noop" }
    | { type: "message"; data: string }
    | { type: "json"; data: unknown }
    | { type: "event"; name: string; args: unknown[] }
    | { type: "ack"; ackId: string; args: unknown[] }
    | { type: "error"; reason?: string; advice?: string }
  );

export function encodePacket(packet: Packet): string {
  let data: string | undefined;
  switch (packet.type) {
    case "disconnect":
      data = packet.reason || undefined;
      break;
    case "connect":
      data = packet.query || undefined;
      break;
    case "message":
      data = packet.data === "" ? undefined : packet.data;
      break;
    case "json":
      data = JSON.stringify(packet.data);
      break;
    case "event":
      data = JSON.stringify(packet.args.length ? { name: packet.name, args: packet.args } : { name: packet.name });
      break;
    case "ack":
      data = packet.ackId + (packet.args.length ? `+${JSON.stringify(packet.args)}` : "");
      break;
    case "error": {
      const reason = packet.reason ? String(REASONS.indexOf(packet.reason as (typeof REASONS)[number])) : "";
      const advice = packet.advice ? String(ADVICE.indexOf(packet.advice as (typeof ADVICE)[number])) : "";
      data = reason || advice ? reason + (advice ? `+${advice}` : "") : undefined;
      break;
    }
    case "heartbeat":
    case "noop":
      break;
  }
  const head = [String(TYPES.indexOf(packet.type)), `${packet.id ?? ""}${packet.ack === "data" ? "+" : ""}`, packet.endpoint ?? ""];
  return data === undefined ? head.join(":") : [...head, data].join(":");
}

const PACKET = /^([0-8]):([0-9]+)?(\+)?:([^:]+)?:?([\s\S]*)$/;

/** One packet, or undefined when the text is not one (unknown type, no colons). */
export function decodePacket(text: string): Packet | undefined {
  const match = PACKET.exec(text);
  if (!match) return undefined;
  const [, typeIndex, id, plus, endpoint, data = ""] = match;
  const common: Common = {
    ...(id ? { id, ack: plus ? ("data" as const) : (true as const) } : {}),
    ...(endpoint ? { endpoint } : {}),
  };
  const type = TYPES[Number(typeIndex)]!;
  switch (type) {
    case "disconnect":
      return { ...common, type, ...(data ? { reason: data } : {}) };
    case "connect":
      return { ...common, type, ...(data ? { query: data } : {}) };
    case "heartbeat":
    case "noop":
      return { ...common, type };
    case "message":
      return { ...common, type, data };
    case "json":
      return { ...common, type, data: parseJson(data) };
    case "event": {
      const parsed = parseJson(data) as { name?: unknown; args?: unknown } | undefined;
      if (!parsed || typeof parsed.name !== "string") return undefined;
      return { ...common, type, name: parsed.name, args: Array.isArray(parsed.args) ? parsed.args : [] };
    }
    case "ack": {
      const ack = /^([0-9]+)(\+)?([\s\S]*)$/.exec(data);
      if (!ack) return undefined;
      const args = ack[2] ? parseJson(ack[3]!) : [];
      return { ...common, type, ackId: ack[1]!, args: Array.isArray(args) ? args : [] };
    }
    case "error": {
      const [reason, advice] = data.split("+");
      return {
        ...common,
        type,
        ...(reason ? { reason: REASONS[Number(reason)] ?? reason } : {}),
        ...(advice ? { advice: ADVICE[Number(advice)] ?? advice } : {}),
      };
    }
  }
}

/** Every packet of a frame: one, or several framed with `\ufffd<length>\ufffd`. Undecodable ones are left out. */
export function decodePayload(frame: string): Packet[] {
  if (!frame.startsWith("\ufffd")) {
    const packet = decodePacket(frame);
    return packet ? [packet] : [];
  }
  const packets: Packet[] = [];
  let at = 0;
  while (at < frame.length && frame[at] === "\ufffd") {
    const end = frame.indexOf("\ufffd", at + 1);
    if (end < 0) break;
    const length = Number(frame.slice(at + 1, end));
    if (!Number.isInteger(length) || length < 0) break;
    const packet = decodePacket(frame.slice(end + 1, end + 1 + length));
    if (packet) packets.push(packet);
    at = end + 1 + length;
  }
  return packets;
}

export function encodePayload(packets: Packet[]): string {
  const encoded = packets.map(encodePacket);
  return encoded.length === 1 ? encoded[0]! : encoded.map((text) => `\ufffd${text.length}\ufffd${text}`).join("");
}

/** The JSON value of a text, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
