/**
 * Read horizons from ACS read receipts. ACS keeps, per participant, the last message they marked
 * read; Twilio keeps an index. The horizon of each participant is the index of their receipt's
 * message. Apps set their own on every render: writes are coalesced to stay inside ACS's
 * read-receipt rate limit (30 a minute per user and thread) and never move backwards unless the
 * app asks for it with `updateLastReadMessageIndex`.
 */
import type { ChatThreadClient } from "@azure/communication-chat";
import { acsCall } from "../acs/acs-errors.js";
import { coalescedRead } from "../acs/coalesced-read.js";
import { ACS_LIMITS } from "../acs/limits.js";

/** ACS allows 30 receipts a minute per user and thread: one every 2 s at most, sustained. */
const MIN_GAP_BETWEEN_RECEIPTS_MS = 2000;

export interface Horizon {
  index: number;
  readOn: Date;
}

export interface ReadHorizonHost {
  readonly thread: ChatThreadClient;
  readonly selfUserId: string;
  /** The index of a message by id (from the window, or read from ACS). */
  indexOf(messageId: string): Promise<number | undefined>;
  /** The newest user message at or below an index. */
  userMessageAtOrBelow(index: number): Promise<{ id: string; index: number } | undefined>;
  /** How many participants the thread has (receipts do not exist above 20). */
  participantCount(): Promise<number>;
  /**
   * A participant's horizon changed (this user's included); `initial` for what the first read
   * found from before this client followed the thread, which is state, not news.
   */
  changed(userId: string, horizon: Horizon, initial: boolean): void;
  /** Server time from which this client follows the thread: receipts from after it are news, even on the first read. */
  readonly followingSince: number;
}

export class ReadHorizon {
  readonly #horizons = new Map<string, Horizon>();
  #loaded: Promise<void> | undefined;
  /** The index this user wants to have read up to, not yet sent. */
  #wanted: { index: number; explicit: boolean } | undefined;
  #writing: Promise<void> | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;

  readonly #host: ReadHorizonHost;

  constructor(host: ReadHorizonHost) {
    this.#host = host;
  }

  /** This user's horizon; undefined before any receipt of theirs (Twilio's null). */
  get own(): Horizon | undefined {
    return this.#horizons.get(this.#host.selfUserId);
  }

  of(userId: string): Horizon | undefined {
    return this.#horizons.get(userId);
  }

  /** Every participant's horizon, by user id. */
  all(): ReadonlyMap<string, Horizon> {
    return this.#horizons;
  }

  get isLoaded(): boolean {
    return this.#loaded !== undefined;
  }

  /** Reads the receipts once (later calls wait for that read). */
  ensureLoaded(): Promise<void> {
    this.#loaded ??= this.refresh().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  /**
   * Reads every participant's receipt from ACS and reports the horizons that moved. Calls made
   * while a read runs share one read after it (ACS allows 5 receipt reads per 10 s per user and
   * conversation; an app may ask for every message's delivery receipts at once).
   */
  readonly refresh: () => Promise<void> = coalescedRead(() => this.#read(!this.isLoaded));

  async #read(initial: boolean): Promise<void> {
    const receipts = await acsCall("listReadReceipts", async () => {
      const all = [];
      for await (const receipt of this.#host.thread.listReadReceipts({ maxPageSize: ACS_LIMITS.maxPageSize })) all.push(receipt);
      return all;
    });
    for (const receipt of receipts) {
      if (receipt.sender.kind !== "communicationUser") continue;
      const index = await this.#host.indexOf(receipt.chatMessageId);
      const state = initial && receipt.readOn.getTime() <= this.#host.followingSince;
      if (index !== undefined) this.#record(receipt.sender.communicationUserId, { index, readOn: receipt.readOn }, false, state);
    }
    this.#loaded ??= Promise.resolve();
  }

  /** Moves this user's horizon up to `index` (never down); resolves once ACS has it. */
  advance(index: number): Promise<void> {
    const current = Math.max(this.#wanted?.index ?? -1, this.own?.index ?? -1);
    if (index > current) this.#wanted = { index, explicit: false };
    return this.#flush();
  }

  /** Sets this user's horizon to `index`, also backwards. */
  set(index: number): Promise<void> {
    this.#wanted = { index, explicit: true };
    return this.#flush();
  }

  /**
   * Sends the wanted horizon: at once if the last receipt is 2 s old, else after that gap, one
   * receipt for every call made meanwhile.
   */
  #flush(): Promise<void> {
    if (this.#writing) return this.#writing.then(() => (this.#wanted ? this.#flush() : undefined));
    if (!this.#wanted) return Promise.resolve();
    this.#writing = (async () => {
      const wait = this.#lastSentAt + MIN_GAP_BETWEEN_RECEIPTS_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const wanted = this.#wanted;
      this.#wanted = undefined;
      if (wanted) await this.#send(wanted);
    })().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  async #send(wanted: { index: number; explicit: boolean }): Promise<void> {
    const target = await this.#host.userMessageAtOrBelow(wanted.index);
    if (!target) return;
    const own = this.own;
    if (!wanted.explicit && own && target.index <= own.index) return;
    if (own && target.index === own.index) return;
    const readOn = new Date();
    // ACS has no receipts on threads over 20 participants: the horizon is then kept by this client only.
    if ((await this.#host.participantCount()) <= ACS_LIMITS.receiptsAndTypingMaxParticipants) {
      this.#lastSentAt = Date.now();
      await acsCall("sendReadReceipt", () => this.#host.thread.sendReadReceipt({ chatMessageId: target.id }));
    }
    this.#record(this.#host.selfUserId, { index: target.index, readOn }, true);
  }

  #record(userId: string, horizon: Horizon, force = false, initial = false): void {
    const current = this.#horizons.get(userId);
    if (current && current.index === horizon.index && !force) return;
    if (current && current.index === horizon.index && current.readOn.getTime() === horizon.readOn.getTime()) return;
    this.#horizons.set(userId, horizon);
    this.#host.changed(userId, horizon, initial);
  }
}
