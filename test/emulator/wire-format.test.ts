/**
 * The emulator answers as the real ACS service does, byte for byte where the SDKs or a client
 * could notice: each fact here is checked against Microsoft's recordings of the real service in
 * Azure/azure-sdk-for-js (sdk/communication/communication-{chat,identity}/recordings/), and
 * asserted on the raw HTTP answers the real SDKs received, captured by a pipeline policy.
 */
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { PipelinePolicy, PipelineResponse } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";

let emulator: Emulator;
/** The millisecond part of the emulator's clock: whole seconds follow the real clock, for HMAC skew. */
let clockMs = 500;
const captured: PipelineResponse[] = [];
let identity: CommunicationIdentityClient;

const capturePolicy: PipelinePolicy = {
  name: "captureResponses",
  sendRequest: async (request, next) => {
    const response = await next(request);
    captured.push(response);
    return response;
  },
};
const capture = { policy: capturePolicy, position: "perCall" as const };

function chatFor(token: string): ChatClient {
  return new ChatClient(emulator.endpoint, new AzureCommunicationTokenCredential(token), {
    tlsOptions: { ca: emulator.caPem },
    additionalPolicies: [capture],
  });
}

async function newUser() {
  const { user, token } = await identity.createUserAndToken(["chat"]);
  return { id: user.communicationUserId, chat: chatFor(token) };
}

/** The last captured answer, and its JSON body. */
function last(): { response: PipelineResponse; body: any } {
  const response = captured[captured.length - 1]!;
  return { response, body: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined };
}

const wholeSecondIso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const WHOLE_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

beforeAll(async () => {
  emulator = await startEmulator({ now: () => Math.floor(Date.now() / 1000) * 1000 + clockMs });
  identity = new CommunicationIdentityClient(emulator.connectionString, { tlsOptions: { ca: emulator.caPem }, additionalPolicies: [capture] });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  captured.length = 0;
  clockMs = 500;
});

describe("timestamps", () => {
  // recording_successfully_lists_messages_one_by_one_and_by_page.json (chat, node/chatthreadclient):
  // message "1697712385894" has createdOn "2023-10-19T10:46:25Z" and "1697712386709" has
  // "...10:46:26Z": cut to the second, not rounded; id and version keep their milliseconds.
  it("cuts every Chat date to the whole second; ids and versions keep their milliseconds", async () => {
    const alice = await newUser();
    const bob = await newUser();
    clockMs = 700;
    const created = await alice.chat.createChatThread({ topic: "t" }, { participants: [{ id: { communicationUserId: bob.id }, shareHistoryTime: new Date(1_700_000_000_123) }] });
    expect(last().body.chatThread.createdOn).toMatch(WHOLE_SECOND);
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const { id } = await thread.sendMessage({ content: "hi" });
    expect(Number(id) % 1000).toBeGreaterThanOrEqual(700); // ids are clock milliseconds (bumped to stay unique)

    await thread.getMessage(id);
    const message = last().body;
    expect(message.id).toBe(id);
    expect(message.version).toBe(id);
    expect(message.createdOn).toBe(wholeSecondIso(Number(id)));

    await thread.updateMessage(id, { content: "edited" });
    await thread.getMessage(id);
    const edited = last().body;
    expect(edited.editedOn).toMatch(WHOLE_SECOND);
    expect(Number(edited.version) % 1000).toBeGreaterThan(700); // a new millisecond version, written as is
    await thread.deleteMessage(id);
    for await (const page of thread.listMessages().byPage()) void page;
    const deleted = last().body.value.find((m: { id: string }) => m.id === id);
    expect(deleted.deletedOn).toMatch(WHOLE_SECOND);

    await bob.chat.getChatThreadClient(created.chatThread!.id).sendReadReceipt({ chatMessageId: (await thread.sendMessage({ content: "read me" })).id });
    for await (const page of thread.listReadReceipts().byPage()) void page;
    expect(last().body.value[0].readOn).toMatch(WHOLE_SECOND);

    for await (const page of alice.chat.listChatThreads().byPage()) void page;
    expect(last().body.value[0].lastMessageReceivedOn).toMatch(WHOLE_SECOND);
    await thread.getProperties();
    expect(last().body.createdOn).toMatch(WHOLE_SECOND);
    for await (const page of thread.listParticipants().byPage()) void page;
    const shares = last().body.value.map((p: { shareHistoryTime: string }) => p.shareHistoryTime);
    expect(shares).toEqual(expect.arrayContaining(["1970-01-01T00:00:00Z", "2023-11-14T22:13:20Z"]));
    for (const share of shares) expect(share).toMatch(WHOLE_SECOND);
  });

  // No recording lists with a startTime inside a second, so the emulator takes the answer that
  // forgives no client: both sides cut to the second, compared with >=, so a change in the same
  // second as startTime is returned again and a client must expect repeats.
  it("compares startTime in whole seconds: a change earlier in startTime's second is listed", async () => {
    const alice = await newUser();
    clockMs = 100;
    const created = await alice.chat.createChatThread({ topic: "since" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const { id } = await thread.sendMessage({ content: "early in the second" });
    expect(Number(id) % 1000).toBeLessThan(999);
    const startTime = new Date(Math.floor(Number(id) / 1000) * 1000 + 999); // later in the message's second
    const listed: string[] = [];
    for await (const message of thread.listMessages({ startTime })) listed.push(message.id);
    expect(listed).toContain(id);
    const threads: string[] = [];
    for await (const item of alice.chat.listChatThreads({ startTime })) threads.push(item.id);
    expect(threads).toContain(created.chatThread!.id);
    // A second later, neither is listed.
    const later = new Date(Number(id) + 1000);
    const none: string[] = [];
    for await (const message of thread.listMessages({ startTime: later })) none.push(message.id);
    expect(none).toEqual([]);
  });
});
