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
    try {
      const response = await next(request);
      captured.push(response);
      return response;
    } catch (error) {
      // A policy below this one throws RestErrors for error answers: keep the answer they carry.
      const response = (error as { response?: PipelineResponse }).response;
      if (response) captured.push(response);
      throw error;
    }
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

describe("identity", () => {
  // chatclient_chat_operations/recording_successfully_creates_a_thread.json: "expiresOn":
  // "2022-05-27T07:59:25.9595888+00:00"; recording_successfully_gets_a_token_with_min_valid_custom_expiration.json too.
  it("writes expiresOn with seven fraction digits and an offset, and the SDK reads it", async () => {
    clockMs = 123;
    const { expiresOn } = await identity.createUserAndToken(["chat"]);
    const raw = last().body.accessToken.expiresOn as string;
    expect(raw).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    expect(raw).toMatch(/\.1230000\+00:00$/);
    expect(expiresOn.getTime()).toBe(Date.parse(raw));
  });

  // communicationidentityclient_playbacklive_error_cases_/recording_throws_an_error_when_attempting_to_
  // issue_a_token_for_an_invalid_user.json, ..._revoke_a_token_from_an_invalid_user.json,
  // ..._delete_an_invalid_user.js: 401 IdentityNotOwned, Content-Type application/json (no charset).
  it.each([
    ["getToken", (user: { communicationUserId: string }) => identity.getToken(user, ["chat", "voip"])],
    ["revokeTokens", (user: { communicationUserId: string }) => identity.revokeTokens(user)],
    ["deleteUser", (user: { communicationUserId: string }) => identity.deleteUser(user)],
  ] as const)("%s of another resource's user answers 401 IdentityNotOwned", async (_name, call) => {
    const foreign = { communicationUserId: "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000" };
    const error = (await call(foreign).then(() => undefined, (e: unknown) => e)) as { statusCode: number; code: string; message: string };
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe("IdentityNotOwned");
    expect(error.message).toBe("Provided identity doesn't belong to the resource.");
    const { response, body } = last();
    expect(body).toEqual({ error: { code: "IdentityNotOwned", message: "Provided identity doesn't belong to the resource." } });
    expect(response.headers.get("content-type")).toBe("application/json");
  });

  // ..._issue_a_token_without_any_scopes.json: 400 ValidationError, target "scopes".
  it("answers 400 ValidationError to a token request without scopes", async () => {
    const user = await identity.createUser();
    const error = (await identity.getToken(user, []).then(() => undefined, (e: unknown) => e)) as { statusCode: number; code: string };
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe("ValidationError");
    expect(last().body).toEqual({ error: { code: "ValidationError", message: "Invalid scopes - Scopes field is required.", target: "scopes" } });
    expect(last().response.headers.get("content-type")).toBe("application/json");
  });

  // ..._issue_a_token_with_min_invalid_expiration.json: 1441 -> "ExpiresInMinutes value 1441 is invalid.", target ExpiresInMinutes.
  it.each([59, 1441])("answers 400 ValidationError to expiresInMinutes %i", async (minutes) => {
    const user = await identity.createUser();
    await identity.getToken(user, ["chat"], { tokenExpiresInMinutes: minutes }).catch(() => undefined);
    expect(last().response.status).toBe(400);
    expect(last().body).toEqual({
      error: { code: "ValidationError", message: `ExpiresInMinutes value ${minutes} is invalid.`, target: "ExpiresInMinutes" },
    });
  });

  // recording_successfully_gets_a_token_for_a_user_ltchatjoinvoipjoinscopesgt.json (api-version 2023-10-01).
  it("lists Identity's own api-supported-versions, 2023-10-01 included, and no Chat CORS header", async () => {
    await identity.createUser();
    const { response } = last();
    expect(response.headers.get("api-supported-versions")).toBe(
      "2020-07-20-preview2, 2021-02-22-preview1, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01",
    );
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.has("access-control-expose-headers")).toBe(false);
  });
});

describe("chat answers", () => {
  // chatthreadclient/recording_successfully_sends_a_message.json: Location
  // "https://endpoint/chat/threads/19%3ACVY6...41@thread.v2/messages/1648676192118";
  // chatclient_chat_operations/recording_successfully_creates_a_thread.json: ".../chat/threads/19%3AZFZy...E1@thread.v2".
  it("answers createChatThread and sendMessage with Location: ':' encoded, '@' not", async () => {
    const alice = await newUser();
    const created = await alice.chat.createChatThread({ topic: "where" });
    const threadId = created.chatThread!.id;
    const encoded = threadId.replace(/:/g, "%3A");
    expect(encoded).toContain("@thread.v2");
    expect(last().response.headers.get("location")).toBe(`${emulator.endpoint}/chat/threads/${encoded}`);
    const { id } = await alice.chat.getChatThreadClient(threadId).sendMessage({ content: "here" });
    expect(last().response.status).toBe(201);
    expect(last().response.headers.get("location")).toBe(`${emulator.endpoint}/chat/threads/${encoded}/messages/${id}`);
  });

  // Every Chat answer recorded carries Access-Control-Expose-Headers "*", api-supported-versions,
  // an MS-CV like "YrMELWytz0ODogPaXiQd/w.0" and an X-Azure-Ref
  // (recording_successfully_lists_messages_one_by_one_and_by_page.json, recording_successfully_retrieves_a_message.json).
  it("carries Access-Control-Expose-Headers *, api-supported-versions, MS-CV and X-Azure-Ref on every answer, errors too", async () => {
    const alice = await newUser();
    await alice.chat.createChatThread({ topic: "headers" });
    await alice.chat.getChatThreadClient("19:missing@thread.v2").getProperties().catch(() => undefined);
    expect(captured.map((r) => r.status)).toEqual([201, 201, 404]);
    for (const response of captured) {
      if (!response.request.url.includes("/chat/")) continue;
      expect(response.headers.get("access-control-expose-headers")).toBe("*");
      expect(response.headers.get("api-supported-versions")).toContain("2023-11-07");
      expect(response.headers.get("api-supported-versions")).toContain("2025-03-15");
    }
    for (const response of captured) {
      expect(response.headers.get("ms-cv")).toMatch(/^[A-Za-z0-9+/]{22}\.\d+$/);
      expect(response.headers.get("x-azure-ref")).toMatch(/^0[A-Za-z0-9+/]+=*$/);
    }
  });

  // recording_successfully_retrieves_a_message.json (api-version 2023-07-01-preview): "content":
  // { "message": "content", "attachments": [] }; at 2021-09-07 (..._one_by_one_and_by_page.json) there is none.
  it("writes content.attachments [] on text messages at the SDK's api-version, and none on system messages", async () => {
    const alice = await newUser();
    const created = await alice.chat.createChatThread({ topic: "attachments" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const { id } = await thread.sendMessage({ content: "plain" });
    await thread.getMessage(id);
    expect(last().body.content).toEqual({ message: "plain", attachments: [] });
    for await (const page of thread.listMessages().byPage()) void page;
    const [text, ...system] = last().body.value;
    expect(text.content.attachments).toEqual([]);
    for (const message of system) expect(message.content.attachments).toBeUndefined();
  });

  // recording_successfully_lists_messages_one_by_one_and_by_page.json: "nextLink":
  // "https://endpoint/chat/threads/19:xpME...A1@thread.v2/messages?syncState=3e39...&startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00&maxPageSize=3&api-version=2021-09-07",
  // which the SDK follows as it is.
  it("writes a message nextLink with a hex syncState, a .NET startTime, maxPageSize and api-version, and the SDK follows it", async () => {
    const alice = await newUser();
    const created = await alice.chat.createChatThread({ topic: "pages" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    for (let i = 0; i < 3; i++) await thread.sendMessage({ content: `m${i}` });
    captured.length = 0;
    const pages: string[][] = [];
    for await (const page of thread.listMessages({ maxPageSize: 3 }).byPage()) pages.push(page.map((m) => m.sequenceId));
    expect(pages).toEqual([["5", "4", "3"], ["2", "1"]]);
    const first = JSON.parse(captured[0]!.bodyAsText!);
    const link = new URL(first.nextLink);
    expect(first.nextLink.startsWith(`${emulator.endpoint}/chat/threads/${created.chatThread!.id}/messages?`)).toBe(true);
    expect([...link.searchParams.keys()]).toEqual(["syncState", "startTime", "maxPageSize", "api-version"]);
    expect(link.searchParams.get("syncState")).toMatch(/^(?:[0-9a-f]{2})+$/);
    expect(first.nextLink).toContain("startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00&maxPageSize=3&api-version=");
    expect(captured[1]!.request.url).toBe(first.nextLink);

    // With a startTime, the link writes it in the same form, and the next page keeps filtering by it.
    captured.length = 0;
    const since = new Date(Date.UTC(2020, 0, 2, 13, 4, 5));
    const changed: string[] = [];
    for await (const page of thread.listMessages({ maxPageSize: 2, startTime: since }).byPage()) changed.push(...page.map((m) => m.sequenceId));
    expect(changed).toEqual(["5", "4", "3", "2", "1"]);
    expect(JSON.parse(captured[0]!.bodyAsText!).nextLink).toContain("startTime=1%2F2%2F2020%201%3A04%3A05%20PM%20%2B00%3A00");
  });
});

describe("undocumented behaviours at their defaults", () => {
  // No recording shows whether an edit or a delete moves lastMessageReceivedOn; the emulator's
  // default is that neither does (switches: lastMessageReceivedOnMovesOnEdit/...OnDelete, wire-switches.test.ts).
  it("an edit or a delete leaves the thread's lastMessageReceivedOn where the last message put it", async () => {
    const alice = await newUser();
    const created = await alice.chat.createChatThread({ topic: "still" });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const { id } = await thread.sendMessage({ content: "only" });
    const mark = async () => {
      for await (const item of alice.chat.listChatThreads()) if (item.id === created.chatThread!.id) return item.lastMessageReceivedOn!.getTime();
      throw new Error("thread not listed");
    };
    const before = await mark();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // a later whole second
    await thread.updateMessage(id, { content: "edited" });
    await thread.deleteMessage(id);
    expect(await mark()).toBe(before);
  });
});
