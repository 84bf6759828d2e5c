import { describe, expect, it } from "vitest";
import {
  EmailRecipientDescriptor,
  type MessageRecipient,
  type RecipientDescriptor,
  UnknownRecipientDescriptor,
} from "../../../src/conversations/recipients.js";

const email: MessageRecipient = {
  message_sid: "IM00000000000000000000000000000001",
  type: "email",
  level: "cc",
  name: "Ada Lovelace",
  address: "ada@example.com",
};

describe("EmailRecipientDescriptor", () => {
  it("maps the REST recipient to camelCase fields with type email", () => {
    const recipient = new EmailRecipientDescriptor(email);
    expect(recipient).toBeInstanceOf(EmailRecipientDescriptor);
    expect({ ...recipient }).toEqual({
      type: "email",
      messageSid: "IM00000000000000000000000000000001",
      level: "cc",
      name: "Ada Lovelace",
      address: "ada@example.com",
    });
  });
});

describe("UnknownRecipientDescriptor", () => {
  it("keeps the type, the message sid and the whole recipient as JSON", () => {
    const raw = { message_sid: "IM2", type: "fax", number: "+15550100", pages: 3 };
    const recipient = new UnknownRecipientDescriptor(raw);
    expect(recipient).toBeInstanceOf(UnknownRecipientDescriptor);
    expect(recipient.type).toBe("fax");
    expect(recipient.messageSid).toBe("IM2");
    expect(JSON.parse(recipient.rawData)).toEqual(raw);
  });

  it("lets a RecipientDescriptor be narrowed with instanceof", () => {
    const list: RecipientDescriptor[] = [
      new EmailRecipientDescriptor(email),
      new UnknownRecipientDescriptor({ message_sid: "IM3", type: "sms" }),
    ];
    const addresses = list.map((recipient) => (recipient instanceof EmailRecipientDescriptor ? recipient.address : recipient.rawData));
    expect(addresses).toEqual(["ada@example.com", JSON.stringify({ message_sid: "IM3", type: "sms" })]);
  });
});
