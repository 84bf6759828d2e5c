import { ChatClient, type ChatParticipant, type ChatThreadItem, type ChatThreadProperties } from "@azure/communication-chat";
import { createDefaultHttpClient } from "@azure/core-rest-pipeline";
import { acsCall } from "../acs/acs-errors.js";
import { currentTokenPolicy, SwappableTokenCredential } from "../acs/token-credential.js";
import { KnownIdentities, type IdentityResolver, type UserProfile } from "../identity/identity-resolver.js";
import { ServerDirectory } from "../identity/server-directory.js";
import { ACS_LIMITS } from "../acs/limits.js";
import { HttpMediaStore } from "../media/http-media-store.js";
import type { MediaStore } from "../media/media-store.js";
import { mediaUrlChecker } from "../media/media-url-policy.js";
import type { ReportProblem } from "../mapping/foreign-data.js";
import { assertMetadataFits, withAttributes } from "../mapping/attributes.js";
import { decodeClientToken, isClientToken, readAcsTokenClaims } from "../mapping/client-token.js";
import { METADATA_KEYS } from "../mapping/metadata-keys.js";
import { EventEngine, type EngineConversation, type ThreadRead } from "../events/event-engine.js";
import { BACKGROUND_HEADER, RateBudget } from "../acs/rate-budget.js";
import { PollingSource } from "../events/polling-source.js";
import { RealtimeSource, type RealtimeSignals } from "../events/realtime-source.js";
import { VERSION } from "../version.js";
import { checkArgument, createConversationOptions, nonEmptyString } from "./arguments.js";
import { twilioDefaultAttributePolicy } from "./attribute-policy.js";
import { CancellablePromise } from "./cancellable-promise.js";
import type { ClientContext } from "./client-context.js";
import type { ContentTemplate } from "./content-template.js";
import { Conversation, type ConversationActivityEvents } from "./conversation.js";
import { ClientShutDownError, InitializationError, InvalidArgumentError, isGone, NotFoundError, noMediaStore, statusOf, UnsupportedFeatureError, uniqueNameTaken } from "../errors.js";
import { temporaryUrls, type Media } from "./media.js";
import { problemReporter } from "./problem-log.js";
import type { PushNotification } from "./push-notification.js";
import { ReplayEventEmitter } from "./replay-event-emitter.js";
import { RestPaginator } from "./rest-paginator.js";
import type {
  ClientOptions,
  ConnectionError,
  ConnectionState,
  ConversationUpdateReason,
  CreateConversationOptions,
  NotificationsChannelType,
  Paginator,
  State,
  UserUpdateReason,
} from "./types.js";
import { User } from "./user.js";
import { userIdOf } from "../mapping/identifier.js";

export type ClientEvents = ConversationActivityEvents & {
  conversationAdded: (conversation: Conversation) => void;
  conversationJoined: (conversation: Conversation) => void;
  conversationLeft: (conversation: Conversation) => void;
  conversationRemoved: (conversation: Conversation) => void;
  conversationUpdated: (data: { conversation: Conversation; updateReasons: ConversationUpdateReason[] }) => void;
  tokenAboutToExpire: () => void;
  tokenExpired: () => void;
  pushNotification: (pushNotification: PushNotification) => void;
  userSubscribed: (user: User) => void;
  userUnsubscribed: (user: User) => void;
  userUpdated: (data: { user: User; updateReasons: UserUpdateReason[] }) => void;
  stateChanged: (state: State) => void;
  initialized: () => void;
  initFailed: ({ error }: { error?: ConnectionError }) => void;
  connectionStateChanged: (state: ConnectionState) => void;
  connectionError: (data: ConnectionError) => void;
};

/** What a token (ours, or a plain ACS token with options) says about who and where. */
interface Session {
  endpoint: string;
  acsToken: string;
  userId: string;
  identity: string;
  serverUrl?: string;
  serviceUserId?: string;
  mediaUrl?: string;
}

/**
 * The entry point, as in Twilio: `new Client(token)` starts initializing at once; listen for
 * `initialized` (or `onWithReplay`), then each conversation the user is in arrives as
 * `conversationAdded` and `conversationJoined`.
 */
export class Client extends ReplayEventEmitter<ClientEvents> {
  static readonly conversationAdded = "conversationAdded";
  static readonly conversationJoined = "conversationJoined";
  static readonly conversationLeft = "conversationLeft";
  static readonly conversationRemoved = "conversationRemoved";
  static readonly conversationUpdated = "conversationUpdated";
  static readonly participantJoined = "participantJoined";
  static readonly participantLeft = "participantLeft";
  static readonly participantUpdated = "participantUpdated";
  static readonly messageAdded = "messageAdded";
  static readonly messageRemoved = "messageRemoved";
  static readonly messageUpdated = "messageUpdated";
  static readonly tokenAboutToExpire = "tokenAboutToExpire";
  static readonly tokenExpired = "tokenExpired";
  static readonly typingEnded = "typingEnded";
  static readonly typingStarted = "typingStarted";
  static readonly pushNotification = "pushNotification";
  static readonly userSubscribed = "userSubscribed";
  static readonly userUnsubscribed = "userUnsubscribed";
  static readonly userUpdated = "userUpdated";
  static readonly stateChanged = "stateChanged";
  static readonly initialized = "initialized";
  static readonly initFailed = "initFailed";
  static readonly connectionStateChanged = "connectionStateChanged";
  static readonly connectionError = "connectionError";

  /** This library's version. */
  static readonly version: string = VERSION;
  readonly version: string = VERSION;
  connectionState: ConnectionState = "unknown";

  /** Twilio push payloads: ACS's web SDK has no push notifications, so none arrive to parse. */
  static parsePushNotification(notificationPayload: unknown): PushNotification {
    void notificationPayload;
    throw pushUnsupported("Client.parsePushNotification");
  }
  parsePushNotification: typeof Client.parsePushNotification = Client.parsePushNotification;

  /** Twilio's push registration plumbing: ACS's web SDK has no push notifications. */
  static populateInitRegistrations(reg: unknown): void {
    void reg;
    throw pushUnsupported("Client.populateInitRegistrations");
  }

  #session: Session;
  #givenToken: string;
  readonly #credential: SwappableTokenCredential;
  readonly #chatClient: ChatClient;
  readonly #identities: KnownIdentities;
  readonly #server: ServerDirectory | undefined;

  /** The app's identity resolver, else the server kit's directory (when the token names one). */
  get #resolver(): IdentityResolver | undefined {
    return this.#options.identityResolver ?? this.#server;
  }
  readonly #mediaStore: MediaStore | undefined;
  readonly #options: ClientOptions;
  readonly #conversations = new Map<string, Conversation>();
  readonly #users = new Map<string, User>();
  readonly #self: User;
  readonly #ready: Promise<void>;
  readonly #usersLoading = new Map<string, Promise<User>>();
  readonly #conversationsLoaded: Promise<void>;
  readonly #context: ClientContext;
  #shutDown = false;
  /** Server time up to which this client's start-up listing saw every thread's changes. */
  #threadsCursor = 0;
  /** Server time of the start-up listing. */
  #listedAt = 0;
  #engine: EventEngine | undefined;
  readonly #budget: RateBudget;
  /** Every conversation listed at start-up has been loaded (or failed twice). */
  #loadedAll = false;
  #polling: PollingSource | undefined;
  #realtime: RealtimeSource | undefined;
  #detachExternal: (() => void) | undefined;
  readonly #tokenTimers: Array<ReturnType<typeof setTimeout>> = [];

  /**
   * @param token a token from this library's server kit, or an ACS user access token with
   *   `options.endpoint` and `options.identity`.
   */
  constructor(token: string, options?: ClientOptions | null) {
    super();
    checkArgument(nonEmptyString, token, "token");
    this.#options = options ?? {};
    this.#session = sessionOf(token, this.#options);
    this.#givenToken = token;
    this.#credential = new SwappableTokenCredential(this.#session.acsToken);
    this.#scheduleTokenEvents();
    // One HTTP client (one connection pool) for the ChatClient and every conversation's thread
    // client: otherwise each conversation opens its own connections, as Twilio's one socket does not.
    const rateLimits = this.#options.rateLimits;
    if (rateLimits !== undefined && rateLimits !== false && !(typeof rateLimits?.scale === "number" && rateLimits.scale > 0 && Number.isFinite(rateLimits.scale))) {
      throw new InvalidArgumentError("options.rateLimits.scale", "expected a positive number (a multiple of ACS's documented limits), or rateLimits: false");
    }
    this.#budget = new RateBudget(this.#session.userId, Date.now, rateLimits === false ? Number.POSITIVE_INFINITY : (rateLimits?.scale ?? 1));
    this.#chatClient = new ChatClient(this.#session.endpoint, this.#credential, {
      ...this.#options.chatClientOptions,
      httpClient: this.#options.chatClientOptions?.httpClient ?? createDefaultHttpClient(),
      additionalPolicies: [
        ...(this.#options.chatClientOptions?.additionalPolicies ?? []),
        currentTokenPolicy(this.#credential),
        // ACS's limits are part of the contract: nothing this client sends is refused with 429 for its own habits.
        { policy: this.#budget.policy(), position: "perRetry" },
      ],
    });
    // A server-kit token says where its directories are: they resolve identities unless the app brings its own resolver.
    this.#server = this.#session.serverUrl ? new ServerDirectory(this.#session.serverUrl, () => this.#givenToken, this.#options.fetch) : undefined;
    this.#identities = new KnownIdentities(this.#resolver);
    // The app's media store; else the media endpoint the token names (the server kit checks its own tokens there,
    // the emulator ACS tokens).
    const store = this.#options.mediaStore ?? (this.#session.mediaUrl ? { url: this.#session.mediaUrl, fetch: this.#options.fetch } : undefined);
    this.#mediaStore =
      store && "url" in store
        ? new HttpMediaStore({
            baseUrl: store.url,
            token: () => (store.url === this.#session.serverUrl ? this.#givenToken : this.#credential.token),
            ...(store.fetch ? { fetch: store.fetch } : {}),
          })
        : store;
    this.#identities.remember(this.#session.identity, this.#session.userId);
    this.#context = this.#createContext();
    this.#self = this.#trackUser(new User(this.#session.identity, this.#session.userId, undefined, this.#userHost()));

    let listed: (threads: ChatThreadItem[]) => void = () => undefined;
    let listingFailed: (error: unknown) => void = () => undefined;
    const threadsListed = new Promise<ChatThreadItem[]>((resolve, reject) => {
      listed = resolve;
      listingFailed = reject;
    });
    this.#ready = threadsListed.then(() => undefined);
    const loaded = threadsListed.then(async (threads) => {
      await this.#loadConversations(threads);
      return threads;
    });
    this.#conversationsLoaded = loaded.then(() => {
      this.#loadedAll = true;
    });
    // Events start once the threads are listed, beside the loading of their conversations (which
    // may take minutes for hundreds) and the app's first calls. A listed thread that changes
    // before it is loaded is loaded by the events at once, with its news.
    void threadsListed.then(
      (threads) => this.#startEvents(threads).catch((error: unknown) => this.#connectionTrouble(error)),
      () => undefined, // initFailed already says it
    );
    // Callers await `ready` themselves; unobserved rejections must not crash the app.
    this.#ready.catch(() => undefined);
    this.#conversationsLoaded.catch(() => undefined);
    // Start after the constructor returns, so listeners added right after `new Client()` hear everything.
    queueMicrotask(() => void this.#initialize().then(listed, listingFailed));
  }

  /** Escape hatch: the ACS ChatClient this client drives. */
  get acs(): { readonly chatClient: ChatClient; readonly userId: string } {
    return { chatClient: this.#chatClient, userId: this.#session.userId };
  }

  get user(): User {
    return this.#self;
  }

  /** ACS has no presence: reachability is always off. */
  get reachabilityEnabled(): boolean {
    return false;
  }

  /** The token the client was last given, as given. */
  get token(): string {
    return this.#givenToken;
  }

  /** @deprecated Twilio's: use `new Client()` and the `initialized` event. Resolves once initialized. */
  static async create(token: string, options?: ClientOptions | null): Promise<Client> {
    const client = new Client(token, options);
    await client.#ready;
    return client;
  }

  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#polling?.stop();
    this.#detachExternal?.();
    await this.#realtime?.stop();
    for (const timer of this.#tokenTimers.splice(0)) clearTimeout(timer);
    this.#credential.dispose();
    this.#setConnectionState("disconnected");
  }

  /**
   * Swaps the token used from the next request on; subscriptions and objects stay. A token for
   * another user or endpoint is refused.
   */
  async updateToken(token: string): Promise<Client> {
    checkArgument(nonEmptyString, token, "token");
    const next = sessionOf(token, { ...this.#options, endpoint: this.#options.endpoint ?? this.#session.endpoint, identity: this.#session.identity });
    if (next.userId !== this.#session.userId) throw new InvalidArgumentError("token", "the new token is for another user");
    if (next.endpoint !== this.#session.endpoint) throw new InvalidArgumentError("token", "the new token is for another ACS endpoint");
    this.#credential.update(next.acsToken);
    this.#session = next;
    this.#givenToken = token;
    this.#scheduleTokenEvents();
    // A client denied for an expired token picks up where it stopped.
    this.#polling?.resume();
    return this;
  }

  async getConversationBySid(conversationSid: string): Promise<Conversation> {
    checkArgument(nonEmptyString, conversationSid, "conversationSid");
    await this.#readyForCalls();
    // Not after every conversation loaded (minutes for hundreds): one not loaded yet is read now.
    const known = this.#conversations.get(conversationSid);
    if (known) return known;
    try {
      let readAt = Number.NaN;
      const properties = await this.#readProperties(conversationSid, false, (serverTime) => (readAt = serverTime));
      return await this.#addFetched(properties, readAt);
    } catch (error) {
      throw new NotFoundError(`Conversation with SID ${conversationSid} was not found.`, { cause: error });
    }
  }

  /** ACS shows a thread only to its participants: the same as getConversationBySid. */
  peekConversationBySid(conversationSid: string): Promise<Conversation> {
    return this.getConversationBySid(conversationSid);
  }

  /**
   * Through the server kit's conversation directory when the token names one (a conversation the
   * user is not in comes back `notParticipating`, ready to `join()`), else among the conversations
   * the user is in.
   */
  async getConversationByUniqueName(uniqueName: string): Promise<Conversation> {
    checkArgument(nonEmptyString, uniqueName, "uniqueName");
    await this.#readyForCalls();
    await this.#conversationsLoaded;
    if (this.#server) {
      const sid = await this.#server.conversationSidOf(uniqueName);
      if (!sid) throw new NotFoundError(`Conversation with unique name ${uniqueName} was not found.`);
      const known = this.#conversations.get(sid);
      if (known) return known;
      try {
        const properties = await this.#readProperties(sid);
        return await this.#addFetched(properties);
      } catch (error) {
        // Not a participant: ACS shows the thread to participants only (403 or 404). Join through the server to see it.
        if (!isGone(error)) throw error;
        const placeholder = { id: sid, topic: "", createdOn: new Date(0), metadata: { [METADATA_KEYS.uniqueName]: uniqueName } };
        return new Conversation(this.#context, placeholder, "notParticipating", this.#historyBefore());
      }
    }
    const find = () => [...this.#conversations.values()].find((c) => c.uniqueName === uniqueName);
    const found = find() ?? (await this.#refreshConversations(), find());
    if (!found) throw new NotFoundError(`Conversation with unique name ${uniqueName} was not found.`);
    return found;
  }

  async getSubscribedConversations(): Promise<Paginator<Conversation>> {
    await this.#readyForCalls();
    await this.#conversationsLoaded;
    return new RestPaginator<Conversation>([...this.#conversations.values()], () => Promise.reject(new Error("No next page")), null, null);
  }

  /**
   * Creates an ACS thread with the friendly name as topic and attributes and unique name in its
   * metadata. ACS makes the creator a participant; the conversation reports `notParticipating`
   * until `join()`, as Twilio's does.
   */
  async createConversation(options?: CreateConversationOptions): Promise<Conversation> {
    const checked = checkArgument(createConversationOptions, options, "options") ?? {};
    await this.#readyForCalls();
    const metadata: Record<string, string> = checked.attributes !== undefined ? withAttributes(undefined, checked.attributes, "options.attributes") : {};
    if (checked.uniqueName !== undefined) metadata[METADATA_KEYS.uniqueName] = checked.uniqueName;
    assertMetadataFits(metadata, "Conversation attributes and unique name");
    if (checked.uniqueName !== undefined && !this.#server) await this.#assertUniqueNameFree(checked.uniqueName);
    const participants: ChatParticipant[] = [
      { id: { communicationUserId: this.#session.userId }, displayName: this.#session.identity, metadata: { [METADATA_KEYS.identity]: this.#session.identity } },
    ];
    // The server kit's own user joins every conversation, so that it can add people who join later.
    if (this.#session.serviceUserId) participants.push({ id: { communicationUserId: this.#session.serviceUserId }, displayName: "", metadata: {} });
    const created = await acsCall("createChatThread", () =>
      this.#chatClient.createChatThread({ topic: checked.friendlyName ?? "" }, { participants, ...(Object.keys(metadata).length ? { metadata } : {}) }),
    );
    if (!created.chatThread) throw new NotFoundError("ACS created no thread");
    // Until it is added below as notParticipating, discovery must not announce it as joined.
    const release = this.#claim(created.chatThread.id);
    try {
      return await this.#finishCreating(created.chatThread, checked.uniqueName);
    } finally {
      release();
    }
  }

  /** Claims the unique name (deleting the thread when it is taken) and adds the conversation, not yet joined. */
  async #finishCreating(thread: ChatThreadProperties, uniqueName: string | undefined): Promise<Conversation> {
    if (uniqueName !== undefined && this.#server) {
      // The directory decides, atomically: of two conversations created with one name, one keeps it.
      const claimed = await this.#server.claimUniqueName(uniqueName, thread.id).catch(async (error: unknown) => {
        await this.#chatClient.deleteChatThread(thread.id).catch(() => undefined);
        throw error;
      });
      if (!claimed) {
        await this.#chatClient.deleteChatThread(thread.id).catch(() => undefined);
        throw uniqueNameTaken(uniqueName);
      }
    }
    await this.#conversationsLoaded;
    // Everything in a thread this client just created is news to it.
    return this.#addConversation(thread, "notParticipating", thread.createdOn.getTime() - 1);
  }

  setPushRegistrationId(channelType: NotificationsChannelType, registrationId: string): Promise<void> {
    void [channelType, registrationId];
    return Promise.reject(pushUnsupported("Client.setPushRegistrationId"));
  }

  unsetPushRegistrationId(channelType: NotificationsChannelType): Promise<void> {
    void channelType;
    return Promise.reject(pushUnsupported("Client.unsetPushRegistrationId"));
  }

  removePushRegistrations(channelType: NotificationsChannelType, registrationId: string): Promise<void> {
    void [channelType, registrationId];
    return Promise.reject(pushUnsupported("Client.removePushRegistrations"));
  }

  /** Twilio push payloads: ACS's web SDK has no push notifications. */
  async handlePushNotification(notificationPayload: unknown): Promise<void> {
    void notificationPayload;
    throw pushUnsupported("Client.handlePushNotification");
  }

  /** A user by Twilio identity, through the identity resolver (which also keeps profiles, if any). */
  async getUser(identity: string): Promise<User> {
    checkArgument(nonEmptyString, identity, "identity");
    await this.#readyForCalls();
    const known = this.#users.get(identity);
    if (known) return known;
    // Concurrent first calls share one lookup: one User, one userSubscribed.
    const pending = this.#usersLoading.get(identity);
    if (pending) return pending;
    const loading = (async () => {
      const resolver = this.#resolver;
      const [userId, profile] = await Promise.all([this.#identities.userIdOf(identity), resolver?.getProfile?.(identity)]);
      if (!userId && !profile) throw new NotFoundError(`User with identity ${identity} was not found`);
      // A user the resolver does not know is shown by ACS user id: as identity, it has no profile.
      const user = this.#trackUser(new User(identity, userId, profile, this.#userHost()));
      user.emit("userSubscribed", user);
      this.emit("userSubscribed", user);
      return user;
    })().finally(() => this.#usersLoading.delete(identity));
    this.#usersLoading.set(identity, loading);
    return loading;
  }

  async getSubscribedUsers(): Promise<Array<User>> {
    await this.#readyForCalls();
    return [...this.#users.values()];
  }

  /** Fresh temporary URLs from the media store, by media sid. */
  getTemporaryContentUrlsForMediaSids(mediaSids: string[]): CancellablePromise<Map<string, string>> {
    return new CancellablePromise((resolve, reject) => {
      const store = this.#mediaStore;
      if (!store) {
        reject(noMediaStore("Client.getTemporaryContentUrlsForMediaSids"));
        return;
      }
      Promise.all(mediaSids.map(async (sid) => [sid, await store.temporaryUrl(sid)] as const)).then((pairs) => resolve(new Map(pairs)), reject);
    });
  }

  getTemporaryContentUrlsForMedia(contentSet: Media[]): CancellablePromise<Map<string, string>> {
    return temporaryUrls(contentSet);
  }

  /** Content templates belong to Twilio's Content API. */
  getContentTemplates(): Promise<Readonly<ContentTemplate[]>> {
    return Promise.reject(new UnsupportedFeatureError("Client.getContentTemplates", "Content templates", "content templates are a Twilio Content API feature."));
  }

  // ---- internals ----

  /** Unique names the server kit's directory confirmed for a thread (or refused), and when. */
  readonly #uniqueNameChecks = new Map<string, { confirmed: boolean; at: number }>();

  /**
   * Thread properties as this client may show them. Any participant can write thread metadata,
   * so with the server kit a unique name counts only where the kit's directory gives it to this
   * thread; and the creator is resolved to an identity before the conversation is shown.
   */
  async #vetted(properties: ChatThreadProperties): Promise<ChatThreadProperties> {
    const creator = userIdOf(properties.createdBy);
    const uniqueName = properties.metadata?.[METADATA_KEYS.uniqueName];
    const [, confirmed] = await Promise.all([this.#identities.resolveAll([creator]), uniqueName && this.#server ? this.#confirmUniqueName(uniqueName, properties.id) : true]);
    if (confirmed) return properties;
    return { ...properties, metadata: { ...properties.metadata, [METADATA_KEYS.uniqueName]: "" } };
  }

  async #confirmUniqueName(uniqueName: string, threadId: string): Promise<boolean> {
    const key = `${threadId}\u0000${uniqueName}`;
    const checked = this.#uniqueNameChecks.get(key);
    if (checked && Date.now() - checked.at < UNIQUE_NAME_CHECK_TTL_MS) return checked.confirmed;
    try {
      const confirmed = (await this.#server!.conversationSidOf(uniqueName)) === threadId;
      this.#uniqueNameChecks.set(key, { confirmed, at: Date.now() });
      return confirmed;
    } catch {
      // The directory did not answer: keep the last answer, else show no name rather than an unchecked one.
      return checked?.confirmed ?? false;
    }
  }

  /** A thread's properties read from ACS, vetted (see #vetted). */
  async #readProperties(threadId: string, background = false, answered?: (serverTime: number) => void): Promise<ChatThreadProperties> {
    const options = {
      ...(background ? { requestOptions: { customHeaders: { [BACKGROUND_HEADER]: "1" } } } : {}),
      ...(answered ? { onResponse: (response: AnsweredResponse) => answered(serverTimeOf(response)) } : {}),
    };
    return this.#vetted(await acsCall("getProperties", () => this.#chatClient.getChatThreadClient(threadId).getProperties(options)));
  }

  /** Resolves once initialized; rejects with the initialization error, or ClientShutDownError after shutdown(). */
  #readyForCalls(): Promise<void> {
    return this.#shutDown ? Promise.reject(new ClientShutDownError()) : this.#ready;
  }

  /** For a conversation first seen now: messages before this server time are its history, later ones news. */
  #historyBefore(): number {
    return this.#engine?.cursor ?? this.#threadsCursor;
  }

  async #initialize(): Promise<ChatThreadItem[]> {
    this.#setConnectionState("connecting");
    try {
      // Optional: a directory that cannot answer must not fail start-up (nor reject unhandled).
      const ownProfile = this.#resolver?.getProfile?.(this.#session.identity)?.catch(() => undefined);
      // Loaded with the conversations, so that each is announced with its level; optional as the profile.
      const mutedRead = this.#refreshMuted().catch(() => undefined);
      const threads: ChatThreadItem[] = [];
      let serverDate: number | undefined;
      const listing = this.#chatClient.listChatThreads({
        maxPageSize: ACS_LIMITS.maxPageSize,
        // The server's clock, so that "changed since" questions are asked in its time.
        onResponse: (response) => {
          serverDate ??= serverTimeOf(response);
        },
      });
      for await (const thread of listing) {
        if (!thread.deletedOn) threads.push(thread);
      }
      await this.#readHistoryOfTiedThreads(threads, serverDate);
      const newest = Math.max(0, ...threads.map((t) => t.lastMessageReceivedOn?.getTime() ?? 0));
      // HTTP dates have whole seconds: step back one so that nothing of that second counts as history.
      this.#threadsCursor = Math.max(newest, Number.isFinite(serverDate) ? serverDate! - 1000 : Date.now() - 60_000);
      // Receipts of that second are state: their times are whole seconds too, and a receipt read as news is an event about the past.
      this.#listedAt = Math.max(newest, Number.isFinite(serverDate) ? serverDate! : this.#threadsCursor);
      const profile = await ownProfile;
      if (profile) this.#self._setProfile(profile);
      await mutedRead;
      this.#setConnectionState("connected");
      this.emit("stateChanged", "initialized");
      this.emit("initialized");
      return threads;
    } catch (error) {
      const status = statusOf(error);
      const connectionError: ConnectionError = {
        terminal: status === 401 || status === 403,
        message: error instanceof Error ? error.message : String(error),
        ...(status !== undefined ? { httpStatusCode: status } : {}),
      };
      this.#setConnectionState(status === 401 ? "denied" : "error");
      this.emit("connectionError", connectionError);
      this.emit("stateChanged", "failed");
      this.emit("initFailed", { error: connectionError });
      throw new InitializationError(`Client initialization failed: ${connectionError.message}`, { cause: error });
    }
  }

  /** Per thread read at start-up: the highest index that was history then. */
  readonly #historyThrough = new Map<string, number>();

  /**
   * ACS's times have whole seconds: a thread whose last message is of the same second as the
   * listing may get news in that second, which its time alone would take for history. For those
   * threads only (active as the client starts), the newest messages are read now, and the highest
   * index then is the history; a failed read leaves the thread to times.
   */
  async #readHistoryOfTiedThreads(threads: ChatThreadItem[], listedAt: number | undefined): Promise<void> {
    if (listedAt === undefined || !Number.isFinite(listedAt)) return;
    const tied = threads.filter((thread) => (thread.lastMessageReceivedOn?.getTime() ?? Number.NEGATIVE_INFINITY) >= listedAt);
    await Promise.all(
      tied.map(async (thread) => {
        const newest = await this.#newestIndex(thread.id);
        if (newest !== undefined) this.#historyThrough.set(thread.id, newest);
      }),
    );
  }

  /** The highest index of a thread now (its history, to a client that begins to follow it); undefined when it cannot be read. */
  async #newestIndex(threadId: string): Promise<number | undefined> {
    try {
      const page = await acsCall("listMessages", () => this.#chatClient.getChatThreadClient(threadId).listMessages({ maxPageSize: TIED_HISTORY_PAGE }).byPage().next());
      const indexes = page.done ? [] : page.value.map((message) => Number(message.sequenceId));
      return indexes.length > 0 ? Math.max(...indexes) : undefined;
    } catch {
      // The thread's feed tells history by time instead.
      return undefined;
    }
  }

  /**
   * A thread this client did not know, fetched by the app: what is in it now is history, by index;
   * receipts up to the second ACS answered the fetch (`readAt`, its server time) are state.
   */
  async #addFetched(properties: ChatThreadProperties, readAt = Number.NaN): Promise<Conversation> {
    const historyBefore = this.#historyBefore();
    const throughIndex = await this.#newestIndex(properties.id);
    return this.#addConversation(properties, "joined", historyBefore, undefined, {
      ...(throughIndex !== undefined ? { throughIndex } : {}),
      ...(Number.isFinite(readAt) ? { followingSince: readAt } : {}),
    });
  }

  /**
   * Reads each thread's properties and announces it (`conversationAdded`, then
   * `conversationJoined`), the most recently active first, a few reads at a time. The reads are
   * background work in the rate budget: ACS allows 50 thread reads per 10 s per user, so a user in
   * hundreds of conversations loads them over minutes, while the events and the app's own calls
   * (which may load a conversation sooner) keep their share.
   */
  async #loadConversations(threads: ChatThreadItem[], retry = true): Promise<void> {
    const recentFirst = [...threads].sort((a, b) => (b.lastMessageReceivedOn?.getTime() ?? 0) - (a.lastMessageReceivedOn?.getTime() ?? 0));
    const failed: ChatThreadItem[] = [];
    for (let i = 0; i < recentFirst.length && !this.#shutDown; i += LOAD_CONCURRENCY) {
      const batch = recentFirst.slice(i, i + LOAD_CONCURRENCY).filter((thread) => !this.#conversations.has(thread.id));
      const read = await Promise.allSettled(batch.map((thread) => this.#readProperties(thread.id, true)));
      read.forEach((result, j) => {
        const thread = batch[j]!;
        if (result.status === "rejected") {
          failed.push(thread);
          const error: unknown = result.reason;
          this.emit("connectionError", { terminal: false, message: error instanceof Error ? error.message : String(error) });
          return;
        }
        const throughIndex = this.#historyThrough.get(thread.id);
        // Messages after the thread's last one are news; receipts are news only from when this client listed the threads.
        this.#addConversation(result.value, "joined", thread.lastMessageReceivedOn?.getTime() ?? this.#threadsCursor, thread.lastMessageReceivedOn, {
          ...(throughIndex !== undefined ? { throughIndex } : {}),
          followingSince: this.#listedAt,
        });
      });
    }
    // Once more for those that failed (events would load them only when they change).
    if (failed.length > 0 && retry) await this.#loadConversations(failed, false);
  }

  /** Picks up threads created or joined since the last listing. */
  async #refreshConversations(): Promise<void> {
    const threads: ChatThreadItem[] = [];
    for await (const thread of this.#chatClient.listChatThreads({ maxPageSize: ACS_LIMITS.maxPageSize })) {
      if (!thread.deletedOn && !this.#conversations.has(thread.id)) threads.push(thread);
    }
    await this.#loadConversations(threads);
  }

  // ---- notification levels, kept by the server kit's directory ----

  /** The conversations this user muted; undefined until read, or when no server kit keeps them. */
  #muted: Set<string> | undefined;
  #mutedEtag: string | undefined;
  #mutedUnsupported = false;
  #mutedWrites = 0;

  /** Reads the muted conversations (a 304 when unchanged); tells each conversation whose level changed. */
  async #refreshMuted(): Promise<void> {
    if (!this.#server || this.#mutedUnsupported) return;
    const writes = this.#mutedWrites;
    const answer = await this.#server.mutedConversations(this.#mutedEtag);
    // A read that began before this client's own change may predate it: the next read tells.
    if (answer === "unchanged" || writes !== this.#mutedWrites) return;
    if (answer === "unsupported") {
      this.#mutedUnsupported = true;
      return;
    }
    const before = this.#muted ?? new Set<string>();
    const after = new Set(answer.muted);
    this.#muted = after;
    this.#mutedEtag = answer.etag;
    for (const sid of new Set([...before, ...after])) {
      if (before.has(sid) !== after.has(sid)) this.#conversations.get(sid)?._notificationLevelChanged();
    }
  }

  async #setNotificationLevel(conversation: Conversation, level: "default" | "muted"): Promise<void> {
    const unsupported = () =>
      new UnsupportedFeatureError("Conversation.setUserNotificationLevel", "Push notifications", "ACS Chat's JavaScript SDK has no push notifications; the level is kept by the server kit's directory, and this client has none that keeps it.");
    if (!this.#server || this.#mutedUnsupported) throw unsupported();
    try {
      this.#mutedWrites++;
      await this.#server.setNotificationLevel(conversation.sid, level);
    } catch (error) {
      if (statusOf(error) === 501) {
        this.#mutedUnsupported = true;
        throw unsupported();
      }
      throw error;
    }
    const muted = (this.#muted ??= new Set());
    if ((level === "muted") === muted.has(conversation.sid)) return;
    if (level === "muted") muted.add(conversation.sid);
    else muted.delete(conversation.sid);
    // The next read brings the directory's new version.
    this.#mutedEtag = undefined;
    conversation._notificationLevelChanged();
  }

  /** Threads this client is bringing in itself: discovery leaves them alone until released. */
  readonly #claimed = new Set<string>();

  #claim(threadId: string): () => void {
    this.#claimed.add(threadId);
    return () => this.#claimed.delete(threadId);
  }

  #addConversation(
    properties: ConstructorParameters<typeof Conversation>[1],
    status: "joined" | "notParticipating",
    historyBefore: number,
    lastMessageReceivedOn?: Date,
    history?: ConstructorParameters<typeof Conversation>[5],
  ): Conversation {
    const existing = this.#conversations.get(properties.id);
    if (existing) return existing;
    const conversation = new Conversation(this.#context, properties, status, historyBefore, lastMessageReceivedOn, history);
    this.#conversations.set(conversation.sid, conversation);
    this.emit("conversationAdded", conversation);
    if (status === "joined") this.emit("conversationJoined", conversation);
    return conversation;
  }

  /**
   * Starts the event sources the options ask for. Polling always runs: alone in Node, and as the
   * safety net (at its idle pace) beside realtime notifications or an external push source.
   */
  async #startEvents(initialThreads: ChatThreadItem[]): Promise<void> {
    const mode = this.#options.eventSource ?? "auto";
    if (mode === "none" || this.#shutDown) return;
    // The engine reads the polling options it shares with the polling source; the removal check is its full listing.
    const { removalCheckIntervalInMs, ...pace } = this.#options.polling ?? {};
    const engine = new EventEngine(this.#engineHost(), this.#threadsCursor, initialThreads, {
      ...pace,
      ...(removalCheckIntervalInMs !== undefined ? { fullListIntervalInMs: removalCheckIntervalInMs } : {}),
    });
    const polling = new PollingSource(
      {
        cycle: () => {
          // Levels set on the user's other clients: within a poll cycle, a 304 when unchanged.
          void this.#refreshMuted().catch(() => undefined);
          return engine.cycle();
        },
        failed: (error) => this.#connectionTrouble(error),
        succeeded: () => this.#setConnectionState("connected"),
      },
      this.#options.polling,
    );
    engine.onPollWanted = () => polling.pollNow();
    this.#engine = engine;
    this.#polling = polling;
    if (typeof mode === "object" && "attach" in mode) {
      this.#detachExternal = mode.attach(engine);
      polling.relax();
    } else if (mode === "auto" || mode === "realtime" || typeof mode === "object") {
      // The ChatClient's own realtime surface, unless the app supplies one.
      const signals = typeof mode === "object" ? mode.realtimeSignals : (this.#chatClient as unknown as RealtimeSignals);
      const realtime = new RealtimeSource(signals, engine, this.#session.userId, {
        // After a gap, read what was missed; then the push carries the news and polling only backs it up.
        connected: () => {
          polling.pollNow();
          polling.relax();
        },
        disconnected: () => polling.pollNow(),
      });
      const started = await realtime.start();
      // shutdown() may have run while realtime connected: it found nothing to stop.
      if (this.#shutDown) {
        if (started) await realtime.stop();
        return;
      }
      if (started) {
        this.#realtime = realtime;
        polling.relax();
      }
    }
    if (!this.#shutDown) polling.start();
  }

  #engineHost() {
    return {
      selfUserId: this.#session.userId,
      listThreads: async (since: Date | undefined) => {
        const items: ChatThreadItem[] = [];
        await acsCall("listChatThreads", async () => {
          for await (const item of this.#chatClient.listChatThreads({ maxPageSize: ACS_LIMITS.maxPageSize, ...(since ? { startTime: since } : {}) })) {
            items.push(item);
          }
        });
        return items;
      },
      conversation: (threadId: string): EngineConversation | undefined => this.#conversations.get(threadId),
      conversations: (): EngineConversation[] => [...this.#conversations.values()],
      discover: async (item: ChatThreadItem, historyBefore: number) => {
        if (this.#claimed.has(item.id)) return;
        const properties = await this.#readProperties(item.id);
        // Added to the thread since the last listing: the message that added this user is where news begins.
        const conversation = this.#addConversation(properties, "joined", historyBefore, item.lastMessageReceivedOn, { fromJoin: true });
        // Messages sent between being added and being discovered are news: read them now.
        await conversation._catchUp();
      },
      remove: (threadId: string) => {
        const conversation = this.#conversations.get(threadId);
        if (!conversation) return;
        if (conversation.status === "joined") this.emit("conversationLeft", conversation);
        this.#dropConversation(conversation);
      },
      failed: (error: unknown) => this.#connectionTrouble(error),
      reachable: () => this.#setConnectionState("connected"),
      loading: () => !this.#loadedAll,
      readDelay: (threadId: string, what: ThreadRead) => {
        const thread = `/chat/threads/${encodeURIComponent(threadId)}`;
        return this.#budget.delayOf("GET", what === "properties" ? thread : `${thread}/${what === "messages" ? "messages" : "readReceipts"}`, true);
      },
      listingDelay: () => this.#budget.delayOf("GET", "/chat/threads", true),
    };
  }

  /** A failed read: Twilio's connection events, and `denied` when ACS refuses the token. */
  #connectionTrouble(error: unknown): void {
    const status = statusOf(error);
    this.emit("connectionError", {
      terminal: false,
      message: error instanceof Error ? error.message : String(error),
      ...(status !== undefined ? { httpStatusCode: status } : {}),
    });
    this.#setConnectionState(status === 401 ? "denied" : "disconnected");
  }

  /**
   * Twilio's token events from the JWT's expiry: `tokenAboutToExpire` a minute before (half the
   * remaining lifetime for shorter tokens), `tokenExpired` at it.
   */
  #scheduleTokenEvents(): void {
    for (const timer of this.#tokenTimers.splice(0)) clearTimeout(timer);
    const expiresOn = this.#credential.expiresOnTimestamp;
    if (!Number.isFinite(expiresOn) || expiresOn >= Number.MAX_SAFE_INTEGER) return;
    const remaining = expiresOn - Date.now();
    const warnIn = remaining - Math.min(60_000, remaining / 2);
    const schedule = (delay: number, fire: () => void) => {
      // setTimeout fires at once for delays over 2^31 - 1 ms (about 24.8 days): wait in steps instead.
      const timer = setTimeout(() => (delay > MAX_TIMER_MS ? schedule(delay - MAX_TIMER_MS, fire) : fire()), Math.min(Math.max(delay, 0), MAX_TIMER_MS));
      (timer as { unref?: () => void }).unref?.();
      this.#tokenTimers.push(timer);
    };
    schedule(warnIn, () => this.emit("tokenAboutToExpire"));
    // A few ms late rather than early: timers round to milliseconds, the token must be expired when told.
    schedule(remaining + 5, () => this.emit("tokenExpired"));
  }

  async #assertUniqueNameFree(uniqueName: string, exceptSid?: string): Promise<void> {
    await this.#conversationsLoaded;
    const taken = [...this.#conversations.values()].some((c) => c.uniqueName === uniqueName && c.sid !== exceptSid);
    if (taken) throw uniqueNameTaken(uniqueName);
  }

  /** Media URLs others name pass only at the media store's origins and those the app allows. */
  #mediaUrlCheck(report: ReportProblem): (url: string) => string | null {
    const store = this.#options.mediaStore;
    const known = [this.#session.mediaUrl, store && "url" in store ? store.url : undefined, ...(this.#mediaStore?.urlOrigins ?? [])];
    const check = mediaUrlChecker(known.filter((url): url is string => url !== undefined), this.#options.media?.allowedUrlOrigins);
    return (url) => {
      const checked = check(url);
      if (checked === null) report({ kind: "mediaUrl", message: "Media URL outside the allowed origins read as none", details: url.slice(0, 200) });
      return checked;
    };
  }

  #createContext(): ClientContext {
    const report = problemReporter(this.#options.logger);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read the current session
    const client = this;
    return {
      chatClient: this.#chatClient,
      self: {
        get identity() {
          return client.#session.identity;
        },
        get userId() {
          return client.#session.userId;
        },
      },
      identities: this.#identities,
      vetProperties: (properties) => this.#vetted(properties),
      attributePolicy: this.#options.attributePolicy ?? twilioDefaultAttributePolicy,
      ensureReady: () => this.#readyForCalls(),
      bubble: (event, ...args) => void (this.emit as (name: string, ...values: unknown[]) => boolean)(event, ...args),
      conversationJoined: (conversation) => this.emit("conversationJoined", conversation),
      conversationLeft: (conversation) => {
        // The engine, leave() and the self-removal system message may all report one departure.
        if (this.#conversations.get(conversation.sid) !== conversation) return;
        this.emit("conversationLeft", conversation);
        this.#dropConversation(conversation);
      },
      conversationRemoved: (conversation) => {
        if (conversation.status === "joined") this.emit("conversationLeft", conversation);
        this.#dropConversation(conversation);
      },
      assertUniqueNameFree: (uniqueName, exceptSid) => this.#assertUniqueNameFree(uniqueName, exceptSid),
      getUser: (identity) => this.getUser(identity),
      server: this.#server,
      serviceUserId: this.#session.serviceUserId,
      claim: (threadId) => this.#claim(threadId),
      propertiesSignalled: (conversation) => this.#engine?.propertiesSignalled(conversation.sid),
      notificationLevelOf: (sid) => (this.#muted?.has(sid) ? "muted" : "default"),
      setNotificationLevel: (conversation, level) => this.#setNotificationLevel(conversation, level),
      followsEvents: () => this.#engine !== undefined && !this.#shutDown,
      joinedThroughServer: (conversation) => {
        if (this.#conversations.has(conversation.sid)) return this.emit("conversationJoined", conversation);
        this.#conversations.set(conversation.sid, conversation);
        this.emit("conversationAdded", conversation);
        this.emit("conversationJoined", conversation);
      },
      // ACS senders repeat typing at most every 8 s: a shorter timeout would flicker between repeats.
      typingTimeoutInMs: this.#options.typingIndicatorTimeoutOverride ?? DEFAULT_TYPING_TIMEOUT_MS,
      media: {
        store: this.#mediaStore,
        maxCount: this.#options.media?.maxCount ?? DEFAULT_MEDIA.maxCount,
        maxBytes: Math.round((this.#options.media?.maxSizeInMb ?? DEFAULT_MEDIA.maxSizeInMb) * 1024 * 1024),
        ...(this.#options.media?.allowedContentTypes ? { allowedContentTypes: this.#options.media.allowedContentTypes } : {}),
        checkedUrl: this.#mediaUrlCheck(report),
      },
      report,
    };
  }

  /** Registers a user and re-emits its `updated` as the client's `userUpdated`, as Twilio's client does. */
  #trackUser(user: User): User {
    this.#users.set(user.identity, user);
    user.on("updated", (args) => this.emit("userUpdated", args));
    return user;
  }

  #dropConversation(conversation: Conversation): void {
    if (!this.#conversations.delete(conversation.sid)) return;
    conversation._markRemoved();
    this.emit("conversationRemoved", conversation);
  }

  #userHost() {
    return {
      updateProfile: async (user: User, changes: Partial<UserProfile>): Promise<UserProfile> => {
        const resolver = this.#resolver;
        if (!resolver?.updateProfile) {
          throw new UnsupportedFeatureError(
            "User.updateFriendlyName and User.updateAttributes",
            "Users and profiles",
            "ACS has no user profiles; give the client an identityResolver that keeps them (the server kit's directory).",
          );
        }
        const profile = await resolver.updateProfile(user.identity, changes);
        return profile;
      },
      unsubscribe: (user: User) => {
        if (user === this.#self || !this.#users.delete(user.identity)) return;
        this.emit("userUnsubscribed", user);
      },
    };
  }

  #setConnectionState(state: ConnectionState): void {
    if (state === this.connectionState) return;
    this.connectionState = state;
    this.emit("connectionStateChanged", state);
  }
}

/** Endpoint, user and identity from a server-kit token, or from an ACS token plus options. */
function sessionOf(token: string, options: ClientOptions): Session {
  if (isClientToken(token)) {
    const fields = decodeClientToken(token);
    return {
      endpoint: fields.endpoint,
      acsToken: fields.acsToken,
      userId: fields.acsUserId,
      identity: fields.identity,
      ...(fields.serverUrl ? { serverUrl: fields.serverUrl } : {}),
      ...(fields.serviceUserId ? { serviceUserId: fields.serviceUserId } : {}),
      ...(fields.mediaUrl ? { mediaUrl: fields.mediaUrl } : {}),
    };
  }
  const { skypeid } = readAcsTokenClaims(token);
  if (!options.endpoint) throw new InvalidArgumentError("options.endpoint", "an ACS user token needs the ACS endpoint (or use a token from the server kit)");
  if (!options.identity) throw new InvalidArgumentError("options.identity", "an ACS user token needs the user's Twilio identity (or use a token from the server kit)");
  if (!skypeid) throw new InvalidArgumentError("token", "the ACS user token names no user (skypeid claim)");
  return { endpoint: options.endpoint, acsToken: token, userId: `8:${skypeid}`, identity: options.identity };
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_TYPING_TIMEOUT_MS = 9000;
/** Ten files fit a message's 28 KB with their descriptions; 25 MB is what the emulator's store takes by default. */
const DEFAULT_MEDIA = { maxCount: 10, maxSizeInMb: 25 };
/** The newest messages read of a thread active as the client starts: the highest index among them is what matters. */
const TIED_HISTORY_PAGE = 5;
/** Conversations whose properties are read at once while loading them at start-up. */
const LOAD_CONCURRENCY = 8;
/** How long the directory's answer about a thread's unique name is reused. */
const UNIQUE_NAME_CHECK_TTL_MS = 5 * 60_000;

function pushUnsupported(feature: string): UnsupportedFeatureError {
  return new UnsupportedFeatureError(feature, "Push notifications", "ACS Chat's JavaScript SDK has no push notification registration.");
}

type AnsweredResponse = { headers: { get(name: string): string | undefined } };

/** The service's clock at an answer (its Date header, whole seconds); NaN without one. */
function serverTimeOf(response: AnsweredResponse): number {
  return Date.parse(response.headers.get("date") ?? "");
}
