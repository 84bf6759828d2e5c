/**
 * ACS's rate limits as the client counts them: which operation a request path is, sliding windows
 * that never let more requests through than a limit allows in any window, and the budget's shares
 * (foreground 90%, background 60% of each limit).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACS_RATE_LIMITS, acsChatOperationOf, RateWindows } from "../../../src/acs/limits.js";
import { RateBudget } from "../../../src/acs/rate-budget.js";

describe("acsChatOperationOf", () => {
  it.each([
    ["GET", "/chat/threads", { operation: "GET /chat/threads" }],
    ["get", "/chat/threads/19%3Aabc%40thread.v2", { operation: "GET /chat/threads/{threadId}", threadId: "19:abc@thread.v2" }],
    ["GET", "/chat/threads/t1/messages", { operation: "GET /chat/threads/{threadId}/messages", threadId: "t1" }],
    ["PATCH", "/chat/threads/t1/messages/1700000000123", { operation: "PATCH /chat/threads/{threadId}/messages/{messageId}", threadId: "t1" }],
    ["POST", "/chat/threads/t1/participants/:add", { operation: "POST /chat/threads/{threadId}/participants/:add", threadId: "t1" }],
    ["GET", "/chat/threads/t1/readReceipts", { operation: "GET /chat/threads/{threadId}/readReceipts", threadId: "t1" }],
  ])("%s %s is %j", (method, path, expected) => {
    expect(acsChatOperationOf(method, path)).toEqual(expected);
  });

  it("names every operation of the limits table from its own path", () => {
    for (const operation of Object.keys(ACS_RATE_LIMITS)) {
      const [method, template] = operation.split(" ") as [string, string];
      const path = template.replace("{threadId}", "t1").replace("{messageId}", "m1");
      expect(acsChatOperationOf(method, path)?.operation).toBe(operation);
    }
  });

  it("is undefined for requests that are not chat operations", () => {
    expect(acsChatOperationOf("POST", "/identities")).toBeUndefined();
    expect(acsChatOperationOf("GET", "/chat/config/realTimeNotifications")).toBeUndefined();
  });
});

describe("RateWindows", () => {
  it("counts a request from its answer once it is answered: the service counted it somewhere between", () => {
    let now = 0;
    const windows = new RateWindows(() => now);
    const create = "POST /chat/threads";
    const answers = Array.from({ length: 10 }, () => windows.count(create, "u1", undefined));
    expect(windows.waitFor(create, "u1", undefined)).toBe(10_000);
    // The answers come 400 ms later: the window frees 10 s after them, not after the sends.
    now = 400;
    for (const answered of answers) answered();
    now = 10_000;
    expect(windows.waitFor(create, "u1", undefined)).toBe(400);
    now = 10_400;
    expect(windows.waitFor(create, "u1", undefined)).toBe(0);
  });

  it("lets no more requests through in any window than each limit allows, whatever the timing", () => {
    const operations = Object.keys(ACS_RATE_LIMITS);
    fc.assert(
      fc.property(
        fc.array(fc.record({ operation: fc.constantFrom(...operations), thread: fc.constantFrom("t1", "t2"), user: fc.constantFrom("u1", "u2"), after: fc.integer({ min: 0, max: 3000 }) }), { maxLength: 300 }),
        fc.constantFrom(1, 0.9, 0.6),
        (requests, share) => {
          let now = 0;
          const windows = new RateWindows(() => now);
          const admitted: Array<{ operation: string; thread: string; user: string; at: number }> = [];
          for (const request of requests) {
            now += request.after;
            if (windows.waitFor(request.operation, request.user, request.thread, share) > 0) continue;
            windows.count(request.operation, request.user, request.thread);
            admitted.push({ ...request, at: now });
          }
          // Recount from the admitted requests alone: every window of every limit is within its share.
          for (const { operation, user, thread, at } of admitted) {
            const rule = ACS_RATE_LIMITS[operation]!;
            for (const limit of rule.limits) {
              const inWindow = admitted.filter(
                (other) =>
                  ACS_RATE_LIMITS[other.operation]!.group === rule.group &&
                  other.at > at - limit.windowInMs &&
                  other.at <= at &&
                  (limit.scope === "thread" || other.user === user) &&
                  (limit.scope === "user" || other.thread === thread),
              );
              expect(inWindow.length).toBeLessThanOrEqual(Math.max(1, Math.floor(limit.max * share)));
            }
          }
        },
      ),
    );
  });

  it("says how long until a request fits: when the oldest request in the full window leaves it", () => {
    let now = 1000;
    const windows = new RateWindows(() => now);
    for (let i = 0; i < 5; i++) {
      expect(windows.waitFor("GET /chat/threads/{threadId}/readReceipts", "u1", "t1")).toBe(0);
      windows.count("GET /chat/threads/{threadId}/readReceipts", "u1", "t1");
      now += 100;
    }
    expect(windows.waitFor("GET /chat/threads/{threadId}/readReceipts", "u1", "t1")).toBe(1000 + 10_000 - 1500);
    // Another thread, another user in the same thread: their own windows (the per-thread limit is 100).
    expect(windows.waitFor("GET /chat/threads/{threadId}/readReceipts", "u1", "t2")).toBe(0);
    expect(windows.waitFor("GET /chat/threads/{threadId}/readReceipts", "u2", "t1")).toBe(0);
    now = 11_001;
    expect(windows.waitFor("GET /chat/threads/{threadId}/readReceipts", "u1", "t1")).toBe(0);
  });

  it("counts a group's operations together: a thread listing and a thread read share thread reads per user", () => {
    const windows = new RateWindows(() => 0);
    for (let i = 0; i < 50; i++) windows.count(i % 2 ? "GET /chat/threads" : "GET /chat/threads/{threadId}", "u1", i % 2 ? undefined : `t${i}`);
    expect(windows.waitFor("GET /chat/threads", "u1", undefined)).toBeGreaterThan(0);
    expect(windows.waitFor("GET /chat/threads/{threadId}", "u1", "t-new")).toBeGreaterThan(0);
    expect(windows.waitFor("GET /chat/threads", "u2", undefined)).toBe(0);
  });
});

describe("RateBudget", () => {
  const receipts = (thread: string) => `/chat/threads/${thread}/readReceipts`;

  it("keeps a tenth of each limit in reserve, and background work to 60%", async () => {
    const budget = new RateBudget("u1", () => 0);
    // ACS allows 5 receipt reads per 10 s: 4 go at once, the fifth would wait.
    for (let i = 0; i < 3; i++) await budget.admit("GET", receipts("t1"), true);
    expect(budget.delayOf("GET", receipts("t1"), true)).toBeGreaterThan(0);
    expect(budget.delayOf("GET", receipts("t1"))).toBe(0);
    await budget.admit("GET", receipts("t1"), false);
    expect(budget.delayOf("GET", receipts("t1"))).toBeGreaterThan(0);
    expect(budget.delayOf("GET", receipts("t2"))).toBe(0);
  });

  it("lets requests that are not ACS chat operations through uncounted", async () => {
    const budget = new RateBudget("u1", () => 0);
    for (let i = 0; i < 100; i++) await budget.admit("POST", "/identities/u1/:issueAccessToken", false);
    expect(budget.delayOf("POST", "/identities/u1/:issueAccessToken")).toBe(0);
  });

  it("waits for room, and gives up when the request is aborted meanwhile", async () => {
    let now = 0;
    const budget = new RateBudget("u1", () => now);
    for (let i = 0; i < 4; i++) await budget.admit("GET", receipts("t1"), false);
    const controller = new AbortController();
    const waiting = budget.admit("GET", receipts("t1"), false, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
    // Once the window has moved on, a request goes at once.
    now = 10_001;
    const started = Date.now();
    await budget.admit("GET", receipts("t1"), false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
