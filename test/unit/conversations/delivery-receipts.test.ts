import { describe, expect, it } from "vitest";
import {
  AggregatedDeliveryReceipt,
  type AggregatedDeliveryDescriptor,
  DetailedDeliveryReceipt,
  type DetailedDeliveryReceiptDescriptor,
} from "../../../src/conversations/delivery-receipts.js";

const aggregated: AggregatedDeliveryDescriptor = {
  total: 3,
  sent: "all",
  delivered: "some",
  read: "none",
  undelivered: "some",
  failed: "none",
};

const detailed: DetailedDeliveryReceiptDescriptor = {
  sid: "DY00000000000000000000000000000001",
  message_sid: "IM00000000000000000000000000000001",
  conversation_sid: "CH00000000000000000000000000000001",
  channel_message_sid: "SM00000000000000000000000000000001",
  participant_sid: "MB00000000000000000000000000000001",
  status: "delivered",
  error_code: "30003",
  date_created: "2024-01-02T03:04:05Z",
  date_updated: "2024-01-02T03:04:06Z",
};

describe("AggregatedDeliveryReceipt", () => {
  it("exposes each amount of the descriptor through its getter", () => {
    const receipt = new AggregatedDeliveryReceipt(aggregated);
    expect(receipt).toBeInstanceOf(AggregatedDeliveryReceipt);
    expect({
      total: receipt.total,
      sent: receipt.sent,
      delivered: receipt.delivered,
      read: receipt.read,
      undelivered: receipt.undelivered,
      failed: receipt.failed,
    }).toEqual(aggregated);
  });

  it("keeps its own copy of the descriptor", () => {
    const descriptor = { ...aggregated };
    const receipt = new AggregatedDeliveryReceipt(descriptor);
    descriptor.total = 99;
    descriptor.read = "all";
    expect(receipt.total).toBe(3);
    expect(receipt.read).toBe("none");
  });

  it("has read-only amounts", () => {
    const receipt = new AggregatedDeliveryReceipt(aggregated);
    expect(Reflect.set(receipt, "total", 10)).toBe(false);
    expect(Reflect.set(receipt, "failed", "all")).toBe(false);
    expect(receipt.total).toBe(3);
    expect(receipt.failed).toBe("none");
  });
});

describe("DetailedDeliveryReceipt", () => {
  it("maps the snake_case descriptor to camelCase fields", () => {
    const receipt = new DetailedDeliveryReceipt(detailed);
    expect(receipt).toBeInstanceOf(DetailedDeliveryReceipt);
    expect({ ...receipt }).toEqual({
      sid: "DY00000000000000000000000000000001",
      messageSid: "IM00000000000000000000000000000001",
      conversationSid: "CH00000000000000000000000000000001",
      channelMessageSid: "SM00000000000000000000000000000001",
      participantSid: "MB00000000000000000000000000000001",
      status: "delivered",
      errorCode: "30003",
      dateCreated: "2024-01-02T03:04:05Z",
      dateUpdated: "2024-01-02T03:04:06Z",
    });
  });

  it("reports errorCode 0 when the descriptor has no error code", () => {
    expect(new DetailedDeliveryReceipt({ ...detailed, error_code: null }).errorCode).toBe(0);
    expect(new DetailedDeliveryReceipt({ ...detailed, error_code: "" }).errorCode).toBe(0);
  });

  it("defaults a missing status to queued", () => {
    const withoutStatus = { ...detailed, status: undefined } as unknown as DetailedDeliveryReceiptDescriptor;
    expect(new DetailedDeliveryReceipt(withoutStatus).status).toBe("queued");
  });
});
