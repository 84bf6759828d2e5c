import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { RateLimiter } from "../../src/emulator/rate-limits.js";
import { createUser, rejection, userRef, type TestUser } from "../helpers/acs.js";

describe("RateLimiter", () => {
  it("admits up to the limit per window, then names the seconds until the window frees", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    const op = "POST /chat/threads/{threadId}/messages"; // 10 per 10 s and 30 per minute, per thread
    for (let i = 0; i < 10; i++) {
      expect(limiter.admit(op, "u1", "t1")).toBeUndefined();
      now += 100;
    }
    expect(limiter.admit(op, "u1", "t1")).toBe(9); // first hit at 1_000_000 leaves the window at 1_010_000
    expect(limiter.admit(op, "u2", "t1")).toBe(9); // the limit is per thread, not per user
    expect(limiter.admit(op, "u1", "t2")).toBeUndefined(); // another thread has its own budget
    now = 1_010_000;
    expect(limiter.admit(op, "u1", "t1")).toBeUndefined();
  });

  it("applies the per-minute limit when the 10-second windows have room", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const op = "POST /chat/threads/{threadId}/messages";
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < 10; i++) expect(limiter.admit(op, "u", "t")).toBeUndefined();
      now += 10_001;
    }
    // 30 sends in the last minute: refused until the first of them is a minute old.
    expect(limiter.admit(op, "u", "t")).toBe(30);
    now = 60_001;
    expect(limiter.admit(op, "u", "t")).toBeUndefined();
  });

  it("does not count a refused request", () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const op = "GET /chat/threads/{threadId}/readReceipts"; // 5 per 10 s per user and thread
    for (let i = 0; i < 5; i++) expect(limiter.admit(op, "u", "t")).toBeUndefined();
    for (let i = 0; i < 20; i++) expect(limiter.admit(op, "u", "t")).toBe(10);
    now = 10_001;
    expect(limiter.admit(op, "u", "t")).toBeUndefined();
  });

  it("leaves operations without a documented limit alone", () => {
    const limiter = new RateLimiter(() => 0);
    for (let i = 0; i < 1000; i++) expect(limiter.admit("POST /identities", "u", undefined)).toBeUndefined();
  });
});

describe("emulator with rateLimits: true, through the real SDK", () => {
  let emulator: Emulator;
  let offset = 0;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    emulator = await startEmulator({ rateLimits: true, now: () => Date.now() + offset });
    alice = await createUser(emulator);
    bob = await createUser(emulator);
  });
  afterAll(() => emulator.close());

  /** A client that does not retry, so the 429 itself reaches the test. */
  const noRetry = (user: TestUser) =>
    new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(user.token), {
      tlsOptions: { ca: emulator.caPem },
      retryOptions: { maxRetries: 0 },
    });

  it("answers the 11th send in 10 seconds with 429 TooManyRequests and Retry-After", async () => {
    const { chatThread } = await alice.chat.createChatThread({ topic: "busy" }, { participants: [{ id: userRef(bob) }] });
    const aliceThread = noRetry(alice).getChatThreadClient(chatThread!.id);
    for (let i = 0; i < 10; i++) await aliceThread.sendMessage({ content: `m${i}` });
    const error = (await rejection(noRetry(bob).getChatThreadClient(chatThread!.id).sendMessage({ content: "one too many" }))) as {
      statusCode?: number;
      code?: string;
      response?: { headers: { get(name: string): string | undefined } };
    };
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    const retryAfter = Number(error.response?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);

    offset += 10_500;
    await expect(aliceThread.sendMessage({ content: "window passed" })).resolves.toHaveProperty("id");
  });

  it("limits read-receipt listing per user and thread to 5 in 10 seconds", async () => {
    const { chatThread } = await alice.chat.createChatThread({ topic: "receipts" }, { participants: [{ id: userRef(bob) }] });
    const aliceThread = noRetry(alice).getChatThreadClient(chatThread!.id);
    for (let i = 0; i < 5; i++) await aliceThread.listReadReceipts().next();
    expect((await rejection(aliceThread.listReadReceipts().next())).statusCode).toBe(429);
    // Bob has his own per-user budget in the same thread.
    await expect(noRetry(bob).getChatThreadClient(chatThread!.id).listReadReceipts().next()).resolves.toBeDefined();
  });
});
