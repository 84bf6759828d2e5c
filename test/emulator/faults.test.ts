/**
 * Injected faults (`emulator.faults`) seen through the real ChatThreadClient: 429s with
 * Retry-After and 503s the SDK retries through, faults that outlast its retries, delays, dropped
 * connections, and which requests a rule matches.
 */
import { ChatClient, type ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestLogEntry } from "../../src/emulator/index.js";
import { all, createUser, rejection, userRef, type TestUser } from "../helpers/acs.js";

const SEND = "POST /chat/threads/{threadId}/messages";
const LIST = "GET /chat/threads/{threadId}/messages";

let emulator: Emulator;
let alice: TestUser;
let bob: TestUser;
let threadId: string;
let thread: ChatThreadClient;

beforeAll(async () => {
  emulator = await startEmulator();
  alice = await createUser(emulator);
  bob = await createUser(emulator);
  const created = await alice.chat.createChatThread({ topic: "faults" }, { participants: [{ id: userRef(bob) }] });
  threadId = created.chatThread!.id;
  thread = alice.thread(threadId);
});

afterAll(async () => {
  await emulator?.close();
});

afterEach(() => {
  emulator.faults.clear();
});

/** Records the requests the emulator answers from now until `stop()`. */
function recordRequests() {
  const entries: RequestLogEntry[] = [];
  const listener = (entry: RequestLogEntry) => void entries.push(entry);
  emulator.requests.on("request", listener);
  return {
    entries,
    of: (operation: string) => entries.filter((entry) => entry.operation === operation),
    stop: () => emulator.requests.off("request", listener),
  };
}

/** A thread client for alice whose pipeline never retries. */
function noRetryThread(): ChatThreadClient {
  const chat = new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(alice.token), {
    tlsOptions: { ca: emulator.caPem },
    retryOptions: { maxRetries: 0 },
  });
  return chat.getChatThreadClient(threadId);
}

async function textMessages(): Promise<string[]> {
  const messages = await all(thread.listMessages());
  return messages.filter((message) => message.type === "text").map((message) => message.content?.message ?? "");
}

describe("429 and 503", () => {
  it("throttles the next two sends with Retry-After; the SDK waits and retries to success", async () => {
    const handle = emulator.faults.throttle({ method: "POST", path: /\/messages$/, count: 2, retryAfterSeconds: 1 });
    const log = recordRequests();
    const sent = await thread.sendMessage({ content: "after throttling" });
    log.stop();

    expect(log.of(SEND).map((entry) => entry.status)).toEqual([429, 429, 201]);
    expect(log.of(SEND).map((entry) => entry.fault)).toEqual(["429", "429", undefined]);
    expect(handle.triggered).toBe(2);
    expect(handle.remaining).toBe(0);
    const message = await thread.getMessage(sent.id);
    expect(message.content?.message).toBe("after throttling");
  });

  it("answers 503 once; the SDK retries to success and only one message is created", async () => {
    const before = (await textMessages()).length;
    const handle = emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "status", status: 503 } });
    const log = recordRequests();
    await thread.sendMessage({ content: "after a 503" });
    log.stop();

    expect(log.of(SEND).map((entry) => entry.status)).toEqual([503, 201]);
    expect(handle.triggered).toBe(1);
    const texts = await textMessages();
    expect(texts).toHaveLength(before + 1);
    expect(texts.filter((text) => text === "after a 503")).toHaveLength(1);
  });

  it("surfaces a 429 that outlasts the SDK's retries as RestError TooManyRequests", async () => {
    const handle = emulator.faults.throttle({ method: "POST", path: /\/messages$/, count: 10, retryAfterSeconds: 0 });
    const log = recordRequests();
    const error = await rejection(thread.sendMessage({ content: "never sent" }));
    log.stop();

    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    // The first try and the helper client's 3 retries.
    expect(log.of(SEND).map((entry) => entry.status)).toEqual([429, 429, 429, 429]);
    expect(handle.triggered).toBe(4);
    expect(handle.remaining).toBe(6);
    handle.cancel();
    expect(await textMessages()).not.toContain("never sent");
  });

  it("surfaces a 503 that outlasts the SDK's retries as RestError ServiceUnavailable", async () => {
    const handle = emulator.faults.inject({ method: "POST", path: /\/messages$/, count: 10, fault: { kind: "status", status: 503 } });
    const log = recordRequests();
    const error = await rejection(thread.sendMessage({ content: "never sent either" }));
    log.stop();

    expect(error.statusCode).toBe(503);
    expect(error.code).toBe("ServiceUnavailable");
    expect(log.of(SEND).map((entry) => entry.status)).toEqual([503, 503, 503, 503]);
    expect(handle.triggered).toBe(4);
    expect(await textMessages()).not.toContain("never sent either");
  });

  it("answers the injected status with ACS's error body and Retry-After, seen by a client that does not retry", async () => {
    emulator.faults.throttle({ method: "POST", path: /\/messages$/, retryAfterSeconds: 7 });
    const error = (await rejection(noRetryThread().sendMessage({ content: "x" }))) as {
      statusCode?: number;
      code?: string;
      message: string;
      response?: { headers: { get(name: string): string | undefined } };
    };
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    expect(error.message).toBe("Fault injected by the emulator.");
    expect(error.response?.headers.get("retry-after")).toBe("7");
  });
});

describe("delays and dropped connections", () => {
  it("delays a request, which then succeeds", async () => {
    const delayInMs = 150;
    const handle = emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "delay", delayInMs } });
    const log = recordRequests();
    const sent = await thread.sendMessage({ content: "delayed" });
    log.stop();

    const entries = log.of(SEND);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ status: 201, fault: "delay" });
    // setTimeout may fire up to a millisecond early against performance.now().
    expect(entries[0]!.durationInMs).toBeGreaterThanOrEqual(delayInMs - 1);
    expect(handle.triggered).toBe(1);
    expect((await thread.getMessage(sent.id)).content?.message).toBe("delayed");
  });

  it("drops a connection without answering; the SDK retries to success and one message is created", async () => {
    const before = (await textMessages()).length;
    const handle = emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "drop" } });
    const log = recordRequests();
    await thread.sendMessage({ content: "after a drop" });
    log.stop();

    expect(log.of(SEND).map((entry) => [entry.status, entry.fault])).toEqual([
      [0, "drop"],
      [201, undefined],
    ]);
    expect(handle.triggered).toBe(1);
    const texts = await textMessages();
    expect(texts).toHaveLength(before + 1);
    expect(texts.filter((text) => text === "after a drop")).toHaveLength(1);
  });

  it("rejects with a network error when the client does not retry a dropped connection", async () => {
    emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "drop" } });
    const error = (await rejection(noRetryThread().sendMessage({ content: "dropped" }))) as {
      name?: string;
      statusCode?: number;
      code?: string;
      message: string;
    };
    expect(error.name).toBe("RestError");
    expect(error.statusCode).toBeUndefined();
    expect(error.code).toBe("ECONNRESET");
    expect(error.message).toMatch(/socket hang up/);
    expect(await textMessages()).not.toContain("dropped");
  });
});

describe("matching and removing rules", () => {
  it("matches the method: a rule for GET …/messages leaves POST alone", async () => {
    const handle = emulator.faults.inject({ method: "GET", path: /\/messages$/, fault: { kind: "status", status: 503 } });
    const log = recordRequests();
    await thread.sendMessage({ content: "posted untouched" });
    expect(handle.remaining).toBe(1);
    expect(handle.triggered).toBe(0);
    const texts = await textMessages();
    log.stop();

    expect(log.of(SEND).map((entry) => [entry.status, entry.fault])).toEqual([[201, undefined]]);
    expect(log.of(LIST).map((entry) => [entry.status, entry.fault])).toEqual([
      [503, "503"],
      [200, undefined],
    ]);
    expect(texts).toContain("posted untouched");
    expect(handle.triggered).toBe(1);
    expect(handle.remaining).toBe(0);
  });

  it("matches a string path and everything below it, and nothing else", async () => {
    const other = await alice.chat.createChatThread({ topic: "other" });
    const otherThread = alice.thread(other.chatThread!.id);
    const handle = emulator.faults.inject({ path: `/chat/threads/${threadId}`, count: 5, fault: { kind: "status", status: 503 } });
    const log = recordRequests();

    await otherThread.sendMessage({ content: "other thread" });
    expect(handle.triggered).toBe(0);
    const error = await rejection(noRetryThread().sendMessage({ content: "below the path" }));
    expect(error.statusCode).toBe(503);
    const properties = await rejection(noRetryThread().getProperties());
    expect(properties.statusCode).toBe(503);
    log.stop();

    expect(handle.triggered).toBe(2);
    expect(handle.remaining).toBe(3);
    expect(log.entries.map((entry) => [entry.operation, entry.status])).toEqual([
      [SEND, 201],
      [SEND, 503],
      ["GET /chat/threads/{threadId}", 503],
    ]);
  });

  it("cancel() removes a rule before it fires", async () => {
    const handle = emulator.faults.throttle({ method: "POST", path: /\/messages$/, count: 3 });
    handle.cancel();
    expect(handle.remaining).toBe(0);
    const log = recordRequests();
    await noRetryThread().sendMessage({ content: "not throttled" });
    log.stop();
    expect(log.of(SEND).map((entry) => [entry.status, entry.fault])).toEqual([[201, undefined]]);
    expect(handle.triggered).toBe(0);
  });

  it("clear() removes every rule", async () => {
    const throttle = emulator.faults.throttle({ method: "POST", path: /\/messages$/, count: 3 });
    const unavailable = emulator.faults.inject({ method: "GET", count: 3, fault: { kind: "status", status: 503 } });
    emulator.faults.clear();
    const log = recordRequests();
    await noRetryThread().sendMessage({ content: "after clear" });
    const properties = await noRetryThread().getProperties();
    log.stop();

    expect(properties.topic).toBe("faults");
    expect(log.entries.map((entry) => entry.status)).toEqual([201, 200]);
    expect(log.entries.every((entry) => entry.fault === undefined)).toBe(true);
    expect(throttle.triggered).toBe(0);
    expect(unavailable.triggered).toBe(0);
  });

  it("gives a request to the first matching rule only", async () => {
    const first = emulator.faults.inject({ method: "POST", path: /\/messages$/, fault: { kind: "status", status: 503 } });
    const second = emulator.faults.throttle({ method: "POST", path: /\/messages$/, retryAfterSeconds: 0 });
    const log = recordRequests();
    await thread.sendMessage({ content: "two rules" });
    log.stop();
    expect(log.of(SEND).map((entry) => entry.status)).toEqual([503, 429, 201]);
    expect([first.triggered, second.triggered]).toEqual([1, 1]);
  });
});
