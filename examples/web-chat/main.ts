/**
 * A small web chat written against the Twilio Conversations API only. `@twilio/conversations` is
 * aliased to twilio-conversations-acs by vite.config.ts (type-checked against Twilio's own types).
 *
 * Query string: `?user=alice&server=<server kit URL>&media=<media endpoint URL>` (in the local setup
 * the media endpoint is the emulator's; without `media`, the one the token names), `&pageSize=N` for
 * message paging. The page calls both directly (they answer CORS), as a real app calls ACS and its
 * token server.
 */
import { Client, type ClientOptions, type Conversation, type Message, type Paginator, type Participant } from "@twilio/conversations";

/** What this library takes beyond Twilio's options: where events and files come from on ACS. */
type AcsClientOptions = ClientOptions & {
  eventSource?: "auto" | "polling" | "realtime" | "none";
  polling?: { minIntervalInMs?: number; maxIntervalInMs?: number; watchIntervalInMs?: number };
  mediaStore?: { url: string };
};

const params = new URLSearchParams(location.search);
const me = params.get("user") ?? "";
const serverUrl = (params.get("server") ?? location.origin).replace(/\/+$/, "");
const mediaUrl = params.get("media")?.replace(/\/+$/, "");
const pageSize = Math.max(1, Number(params.get("pageSize") ?? 20) || 20);

const $ = <T extends HTMLElement = HTMLElement>(testId: string): T => document.querySelector(`[data-testid="${testId}"]`) as T;
const list = $<HTMLUListElement>("conversation-list");
const pane = $<HTMLOListElement>("messages");
const loadOlder = $<HTMLButtonElement>("load-older");
const input = $<HTMLInputElement>("message-input");
const fileInput = $<HTMLInputElement>("file-input");

interface Row {
  conversation: Conversation;
  item: HTMLLIElement;
  /** Guards against out-of-order unread counts: only the latest request paints. */
  badgeRequest: number;
}
const rows = new Map<string, Row>();
let selected: Conversation | undefined;
let older: Paginator<Message> | undefined;
const shown = new Map<number, Message>();
const typists = new Set<string>();

function showError(error: unknown): void {
  console.error(error);
  $("error").textContent = error instanceof Error ? error.message : String(error);
}
const guarded = <A extends unknown[]>(run: (...args: A) => Promise<unknown>) => (...args: A) => void run(...args).catch(showError);

async function fetchToken(): Promise<string> {
  const response = await fetch(`${serverUrl}/token`, { method: "POST", headers: { "x-demo-user": me } });
  if (!response.ok) throw new Error(`POST /token answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

// ---- conversation list and unread badges ----

function addConversation(conversation: Conversation): Row {
  const known = rows.get(conversation.sid);
  if (known) return known;
  const item = document.createElement("li");
  item.dataset.testid = "conversation";
  item.dataset.sid = conversation.sid;
  const name = document.createElement("span");
  name.dataset.testid = "conversation-name";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.dataset.testid = "unread-badge";
  badge.hidden = true;
  item.append(name, badge);
  item.addEventListener("click", guarded(() => open(conversation)));
  list.append(item);
  const row: Row = { conversation, item, badgeRequest: 0 };
  rows.set(conversation.sid, row);
  renderName(row);
  void refreshBadge(conversation);
  return row;
}

function renderName(row: Row): void {
  const { conversation } = row;
  (row.item.querySelector('[data-testid="conversation-name"]') as HTMLElement).textContent = conversation.friendlyName ?? conversation.uniqueName ?? conversation.sid;
  if (conversation === selected) $("conversation-title").textContent = conversation.friendlyName ?? conversation.sid;
}

/** Unread = messages after this user's read horizon; before any horizon (null), every message. */
async function refreshBadge(conversation: Conversation): Promise<void> {
  const row = rows.get(conversation.sid);
  if (!row) return;
  const request = ++row.badgeRequest;
  const unread = (await conversation.getUnreadMessagesCount()) ?? (await conversation.getMessagesCount());
  if (request !== row.badgeRequest) return;
  const badge = row.item.querySelector('[data-testid="unread-badge"]') as HTMLElement;
  badge.dataset.count = String(unread);
  badge.textContent = String(unread);
  badge.hidden = unread === 0;
}

function removeConversation(conversation: Conversation): void {
  rows.get(conversation.sid)?.item.remove();
  rows.delete(conversation.sid);
  if (selected === conversation) {
    selected = undefined;
    shown.clear();
    renderMessages();
    setComposerEnabled(false);
  }
}

// ---- the selected conversation ----

async function open(conversation: Conversation): Promise<void> {
  selected = conversation;
  older = undefined;
  shown.clear();
  typists.clear();
  renderTyping();
  for (const row of rows.values()) row.item.classList.toggle("selected", row.conversation === conversation);
  $("conversation-title").textContent = conversation.friendlyName ?? conversation.sid;
  renderMessages();
  const page = await conversation.getMessages(pageSize);
  if (selected !== conversation) return;
  older = page;
  for (const message of page.items) shown.set(message.index, message);
  renderMessages();
  setComposerEnabled(true);
  await markRead(conversation);
}

async function markRead(conversation: Conversation): Promise<void> {
  await conversation.setAllMessagesRead();
  await refreshBadge(conversation);
}

async function showOlder(): Promise<void> {
  const conversation = selected;
  if (!older?.hasPrevPage || !conversation) return;
  const page = await older.prevPage();
  if (selected !== conversation) return;
  older = page;
  for (const message of page.items) shown.set(message.index, message);
  renderMessages();
}

function renderMessages(): void {
  loadOlder.hidden = !older?.hasPrevPage;
  const items = [...shown.values()].sort((a, b) => a.index - b.index).map(renderMessage);
  pane.replaceChildren(...items);
  void renderSeen();
}

function renderMessage(message: Message): HTMLLIElement {
  const item = document.createElement("li");
  item.dataset.testid = "message";
  item.dataset.index = String(message.index);
  if (message.author === me) item.classList.add("mine");
  const author = document.createElement("span");
  author.className = "author";
  author.dataset.testid = "message-author";
  author.textContent = message.author ?? "";
  const body = document.createElement("span");
  body.dataset.testid = "message-body";
  body.textContent = message.body ?? "";
  item.append(author, body);
  for (const media of message.attachedMedia ?? []) {
    const box = document.createElement("div");
    box.className = "media";
    const link = document.createElement("a");
    link.dataset.testid = "media-link";
    link.textContent = `${media.filename ?? "file"} (${media.contentType}, ${media.size} bytes)`;
    // The media endpoint serves files inline (another origin: `download` would not apply): open in a new tab.
    link.target = "_blank";
    link.rel = "noopener";
    box.append(link);
    item.append(box);
    void media.getContentTemporaryUrl().then((url) => {
      if (!url) return;
      link.href = url;
      if (media.contentType.startsWith("image/")) {
        const image = document.createElement("img");
        image.dataset.testid = "media-image";
        image.alt = media.filename ?? "image";
        image.src = url;
        box.append(image);
      }
    }, showError);
  }
  const seen = document.createElement("span");
  seen.className = "seen";
  seen.dataset.testid = "message-seen";
  item.append(seen);
  return item;
}

/** "seen by bob" under this user's messages, from the others' read horizons. */
async function renderSeen(): Promise<void> {
  const conversation = selected;
  if (!conversation) return;
  const others = (await conversation.getParticipants()).filter((participant) => participant.identity !== me);
  if (selected !== conversation) return;
  for (const item of pane.querySelectorAll<HTMLLIElement>('li.mine[data-testid="message"]')) {
    const index = Number(item.dataset.index);
    const readers = others.filter((participant) => participant.lastReadMessageIndex !== null && participant.lastReadMessageIndex >= index).map((participant) => participant.identity);
    (item.querySelector('[data-testid="message-seen"]') as HTMLElement).textContent = readers.length ? `seen by ${readers.join(", ")}` : "";
  }
}

function renderTyping(): void {
  $("typing").textContent = typists.size ? `${[...typists].join(", ")} ${typists.size > 1 ? "are" : "is"} typing…` : "";
}

function setComposerEnabled(enabled: boolean): void {
  for (const element of [input, fileInput, $<HTMLButtonElement>("send")]) element.disabled = !enabled;
}

// ---- start ----

async function start(): Promise<void> {
  if (!me) {
    $("status").textContent = "add ?user=<identity>&server=<server kit URL>&media=<media URL> to the address";
    return;
  }
  $("me").textContent = me;
  const options: AcsClientOptions = {
    // Browsers get ACS realtime notifications by default (eventSource "auto"), from the local
    // emulator too; polling stays on beside them, at its idle pace, as the safety net.
    ...(mediaUrl ? { mediaStore: { url: mediaUrl } } : {}),
  };
  const client = new Client(await fetchToken(), options);

  client.on("connectionStateChanged", (state) => ($("status").textContent = state));
  client.on("initFailed", ({ error }) => showError(new Error(`initialization failed: ${error?.message ?? "unknown error"}`)));
  client.on("tokenAboutToExpire", guarded(async () => client.updateToken(await fetchToken())));
  client.on("conversationAdded", (conversation) => void addConversation(conversation));
  client.on("conversationJoined", (conversation) => void addConversation(conversation));
  client.on("conversationLeft", removeConversation);
  client.on("conversationRemoved", removeConversation);
  client.on("conversationUpdated", ({ conversation, updateReasons }) => {
    const row = rows.get(conversation.sid);
    if (!row) return;
    renderName(row);
    if (updateReasons.includes("lastMessage") || updateReasons.includes("lastReadMessageIndex")) void refreshBadge(conversation).catch(showError);
  });
  client.on("messageAdded", (message) => {
    const { conversation } = message;
    if (conversation !== selected) return void refreshBadge(conversation).catch(showError);
    shown.set(message.index, message);
    typists.delete(message.author ?? "");
    renderTyping();
    renderMessages();
    void markRead(conversation).catch(showError);
  });
  client.on("participantUpdated", ({ participant, updateReasons }) => {
    if (participant.conversation === selected && updateReasons.includes("lastReadMessageIndex")) void renderSeen().catch(showError);
  });
  const typing = (participant: Participant, on: boolean) => {
    if (participant.conversation !== selected || !participant.identity) return;
    if (on) typists.add(participant.identity);
    else typists.delete(participant.identity);
    renderTyping();
  };
  client.on("typingStarted", (participant) => typing(participant, true));
  client.on("typingEnded", (participant) => typing(participant, false));

  await new Promise<void>((resolve, reject) => {
    client.once("initialized", resolve);
    client.once("initFailed", ({ error }) => reject(new Error(error?.message ?? "initialization failed")));
  });
  let page: Paginator<Conversation> | undefined = await client.getSubscribedConversations();
  while (page) {
    page.items.forEach(addConversation);
    page = page.hasNextPage ? await page.nextPage() : undefined;
  }
  $("status").textContent = client.connectionState;
  document.body.dataset.ready = "true";

  $<HTMLFormElement>("new-conversation-form").addEventListener(
    "submit",
    guarded(async (event: SubmitEvent) => {
      event.preventDefault();
      const form = event.target as HTMLFormElement;
      const identity = (form.elements.namedItem("identity") as HTMLInputElement).value.trim();
      const name = (form.elements.namedItem("name") as HTMLInputElement).value.trim();
      const conversation = await client.createConversation({ friendlyName: name || `${me} & ${identity}` });
      await conversation.join();
      await conversation.add(identity);
      form.reset();
      addConversation(conversation);
      await open(conversation);
    }),
  );
  $<HTMLFormElement>("composer").addEventListener(
    "submit",
    guarded(async (event: SubmitEvent) => {
      event.preventDefault();
      const text = input.value.trim();
      if (!selected || !text) return;
      input.value = "";
      await selected.sendMessage(text);
    }),
  );
  fileInput.addEventListener(
    "change",
    guarded(async () => {
      const file = fileInput.files?.[0];
      if (!selected || !file) return;
      // Twilio's way to send a file from a browser: FormData with the file.
      const form = new FormData();
      form.append("file", file);
      fileInput.value = "";
      await selected.sendMessage(form);
    }),
  );
  input.addEventListener("input", () => void selected?.typing().catch(() => undefined));
  loadOlder.addEventListener("click", guarded(showOlder));
}

start().catch((error) => {
  $("status").textContent = "failed";
  showError(error);
});
