import { describe, expect, it } from "vitest";
import { ChannelMetadata } from "../../../src/conversations/channel-metadata.js";

describe("ChannelMetadata", () => {
  it("holds the channel type and its data", () => {
    const data = { thread: { id: "t1" } };
    const metadata = new ChannelMetadata("email", data);
    expect(metadata).toBeInstanceOf(ChannelMetadata);
    expect(metadata.type).toBe("email");
    expect(metadata.data).toBe(data);
  });

  it("freezes the data shallowly, as Twilio does", () => {
    const data: { subject: string; nested: { n: number } } = { subject: "Hi", nested: { n: 1 } };
    const metadata = new ChannelMetadata("email", data);
    expect(Object.isFrozen(metadata.data)).toBe(true);
    expect(Reflect.set(data, "subject", "changed")).toBe(false);
    expect(data.subject).toBe("Hi");
    expect(Object.isFrozen(data.nested)).toBe(false);
  });

  it("accepts primitive and null data", () => {
    expect(new ChannelMetadata("sms", null).data).toBeNull();
    expect(new ChannelMetadata("sms", "raw").data).toBe("raw");
  });
});
