import { describe, expect, it } from "vitest";
import { ReplayEventEmitter } from "../../../src/conversations/replay-event-emitter.js";

type Events = { ping: (n: number) => void; other: () => void };

describe("ReplayEventEmitter", () => {
  it("replays the last emission to onWithReplay, then delivers later ones", () => {
    const emitter = new ReplayEventEmitter<Events>();
    emitter.emit("ping", 1);
    emitter.emit("ping", 2);
    const seen: number[] = [];
    emitter.onWithReplay("ping", (n) => seen.push(n));
    emitter.emit("ping", 3);
    expect(seen).toEqual([2, 3]);
  });

  it("subscribes without replay when the event never fired", () => {
    const emitter = new ReplayEventEmitter<Events>();
    const seen: number[] = [];
    emitter.addListenerWithReplay("ping", (n) => seen.push(n));
    expect(seen).toEqual([]);
    emitter.emit("ping", 7);
    expect(seen).toEqual([7]);
  });

  it("onceWithReplay calls once: with the last emission if any, else with the next", () => {
    const emitter = new ReplayEventEmitter<Events>();
    const early: number[] = [];
    emitter.onceWithReplay("ping", (n) => early.push(n));
    emitter.emit("ping", 1);
    emitter.emit("ping", 2);
    expect(early).toEqual([1]);
    const late: number[] = [];
    emitter.onceWithReplay("ping", (n) => late.push(n));
    emitter.emit("ping", 3);
    expect(late).toEqual([2]);
    expect(emitter.listenerCount("ping")).toBe(0);
  });

  it("prepends listeners ahead of existing ones, keeping once-listeners once", () => {
    const emitter = new ReplayEventEmitter<Events>();
    const order: string[] = [];
    emitter.on("ping", () => order.push("a"));
    emitter.once("ping", () => order.push("b-once"));
    emitter.prependListener("ping", () => order.push("first"));
    emitter.prependOnceListener("ping", () => order.push("first-once"));
    emitter.emit("ping", 0);
    emitter.emit("ping", 0);
    expect(order).toEqual(["first-once", "first", "a", "b-once", "first", "a"]);
  });

  it("prepends onto an event with a single listener and onto none", () => {
    const emitter = new ReplayEventEmitter<Events>();
    const order: string[] = [];
    emitter.prependListener("other", () => order.push("only"));
    emitter.emit("other");
    emitter.on("ping", () => order.push("old"));
    emitter.prependListener("ping", () => order.push("new"));
    emitter.emit("ping", 0);
    expect(order).toEqual(["only", "new", "old"]);
  });

  it("keeps Node's max-listeners and rawListeners members", () => {
    const emitter = new ReplayEventEmitter<Events>();
    expect(emitter.getMaxListeners()).toBe(10);
    expect(emitter.setMaxListeners(50)).toBe(emitter);
    expect(emitter.getMaxListeners()).toBe(50);
    const listener = () => undefined;
    emitter.on("other", listener);
    expect(emitter.rawListeners("other")).toEqual([listener]);
  });

  it("calls every listener when one throws, and rethrows the error on its own", async () => {
    const emitter = new ReplayEventEmitter<Events>();
    const heard: string[] = [];
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      emitter.once("ping", () => {
        throw new Error("app bug");
      });
      emitter.on("ping", (n) => heard.push(`after ${n}`));
      expect(emitter.emit("ping", 1)).toBe(true);
      emitter.emit("ping", 2);
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(heard).toEqual(["after 1", "after 2"]);
    expect(uncaught).toEqual([new Error("app bug")]);
  });
});
