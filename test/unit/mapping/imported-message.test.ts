/**
 * Imported messages show their original Twilio times, read from metadata any participant can
 * write: a claim that can move a message's time earlier (to when it was first sent), never later.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeImportedMessage,
  decodeImportedThread,
  encodeImportedMessage,
  IMPORT_KEYS,
  IMPORTED_THREAD_KEYS,
  shownThreadTimes,
  shownTimes,
  type ImportedMessage,
} from "../../../src/mapping/imported-message.js";
import { toMessageData } from "../../../src/mapping/message.js";
import type { ChatMessage } from "@azure/communication-chat";

const sid = fc.stringMatching(/^[0-9a-f]{32}$/).map((hex) => `IM${hex}`);
// Twilio's times have whole seconds; ours keep milliseconds, within the years ISO strings print plainly.
const time = fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2099, 0, 1) }).map((ms) => new Date(ms));
const imported: fc.Arbitrary<ImportedMessage> = fc.record({ sid, index: fc.nat({ max: Number.MAX_SAFE_INTEGER }), dateCreated: time, dateUpdated: time });

describe("imported message metadata", () => {
  it("round-trips every well-formed record", () => {
    fc.assert(
      fc.property(imported, (record) => {
        expect(decodeImportedMessage(encodeImportedMessage(record))).toEqual(record);
      }),
    );
  });

  it("reads malformed or partial metadata as not imported, never throws", () => {
    const good = encodeImportedMessage({ sid: `IM${"a".repeat(32)}`, index: 3, dateCreated: new Date(0), dateUpdated: new Date(0) });
    const broken = [
      { ...good, [IMPORT_KEYS.sid]: "CH" + "a".repeat(31) },
      { ...good, [IMPORT_KEYS.index]: "-1" },
      { ...good, [IMPORT_KEYS.index]: "1e3" },
      { ...good, [IMPORT_KEYS.index]: "99999999999999999" },
      { ...good, [IMPORT_KEYS.dateCreated]: "yesterday" },
      { ...good, [IMPORT_KEYS.dateUpdated]: "2024-02-30T25:00:00Z" },
      { [IMPORT_KEYS.sid]: good[IMPORT_KEYS.sid] },
      null,
      "text",
    ];
    for (const metadata of broken) expect(decodeImportedMessage(metadata)).toBeUndefined();
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...Object.values(IMPORT_KEYS)), fc.string()), (metadata) => void decodeImportedMessage(metadata)));
  });

  it("never shows a time after ACS's, nor an update before the creation", () => {
    fc.assert(
      fc.property(time, fc.option(time, { nil: undefined }), fc.option(imported, { nil: undefined }), (createdOn, editedOn, claim) => {
        const acs = { createdOn, ...(editedOn && editedOn >= createdOn ? { editedOn } : {}) };
        const shown = shownTimes(acs, claim);
        expect(shown.dateCreated.getTime()).toBeLessThanOrEqual(createdOn.getTime());
        expect(shown.dateUpdated.getTime()).toBeGreaterThanOrEqual(shown.dateCreated.getTime());
        expect(shown.dateUpdated.getTime()).toBeLessThanOrEqual((acs.editedOn ?? createdOn).getTime());
        if (!claim) expect(shown).toEqual({ dateCreated: createdOn, dateUpdated: acs.editedOn ?? createdOn });
      }),
    );
  });

  it("shows an imported message with its original times, and an edit made on ACS with ACS's", () => {
    const sentToAcs = new Date("2026-12-01T10:00:00Z");
    const original = { sid: `IM${"b".repeat(32)}`, index: 7, dateCreated: new Date("2023-05-01T08:00:00Z"), dateUpdated: new Date("2023-05-02T09:30:00Z") };
    const raw = { id: "1", sequenceId: "12", version: "1", type: "text", createdOn: sentToAcs, content: { message: "hi" }, metadata: encodeImportedMessage(original) } as ChatMessage;
    expect(toMessageData(raw)).toMatchObject({ dateCreated: original.dateCreated, dateUpdated: original.dateUpdated, index: 12 });
    const editedOn = new Date("2026-12-01T11:00:00Z");
    expect(toMessageData({ ...raw, editedOn })).toMatchObject({ dateCreated: original.dateCreated, dateUpdated: editedOn, edited: true });
  });

  it("shows an imported conversation's Twilio times until something newer comes, never later than ACS's", () => {
    const metadata = {
      [IMPORTED_THREAD_KEYS.dateCreated]: "2023-05-01T08:00:00.000Z",
      [IMPORTED_THREAD_KEYS.lastMessageOn]: "2023-06-01T08:00:00.000Z",
      [IMPORTED_THREAD_KEYS.importedUpTo]: "2026-12-01T10:00:05.000Z",
    };
    const imported = decodeImportedThread(metadata);
    const createdOn = new Date("2026-12-01T10:00:00Z");
    expect(shownThreadTimes(createdOn, new Date("2026-12-01T10:00:05Z"), imported)).toEqual({ dateCreated: new Date("2023-05-01T08:00:00Z"), lastActivity: new Date("2023-06-01T08:00:00Z") });
    // A message after the import: ACS's time.
    expect(shownThreadTimes(createdOn, new Date("2026-12-02T09:00:00Z"), imported).lastActivity).toEqual(new Date("2026-12-02T09:00:00Z"));
    expect(decodeImportedThread({ [IMPORTED_THREAD_KEYS.lastMessageOn]: "2023-06-01T08:00:00.000Z" })).toEqual({});
    fc.assert(
      fc.property(time, fc.option(time, { nil: undefined }), time, time, time, (created, lastOn, claimedCreated, claimedLast, upTo) => {
        const shown = shownThreadTimes(created, lastOn, { dateCreated: claimedCreated, lastMessage: { on: claimedLast, importedUpTo: upTo } });
        expect(shown.dateCreated.getTime()).toBeLessThanOrEqual(created.getTime());
        if (lastOn) expect(shown.lastActivity!.getTime()).toBeLessThanOrEqual(lastOn.getTime());
        else expect(shown.lastActivity).toBeUndefined();
      }),
    );
  });
});
