/**
 * `TableDirectoryStore`: the server kit's directory in Azure Table Storage (Node; from
 * `twilio-conversations-acs/server`), so that several server processes share one directory and a
 * restarted server keeps it. One table; one partition per kind of record:
 *
 * | PartitionKey | RowKey            | properties                         |
 * |--------------|-------------------|------------------------------------|
 * | `user`       | key(identity)     | `identity`, `userId`               |
 * | `userId`     | key(userId)       | `userId`, `identity`               |
 * | `profile`    | key(identity)     | `identity`, `friendlyName`?, `attributes` (JSON text) |
 * | `uniqueName` | key(uniqueName)   | `uniqueName`, `threadId`, `claimedBy`? |
 * | `revocation` | key(identity)     | `identity`, `revokedBefore` (ms)   |
 * | `upload`     | key(upload id)    | `id`, `uploaderUserId`, `uploadedAt` (ms) |
 *
 * Identities, user ids and unique names may hold characters Table keys forbid (`/ \ # ?`, control
 * characters) and may be longer than a key may be, so a row key is `b` + the base64url of the
 * text's UTF-8 when that fits in {@link MAX_KEY_LENGTH} characters, else `h` + the base64url of
 * its SHA-256. Every entity also keeps the text itself, which reads check.
 *
 * Insert-if-absent is atomic across processes: `createEntity` fails with 409 EntityAlreadyExists
 * for all but one writer, and the others read the winner back.
 */
import { createHash } from "node:crypto";
import { isRestError } from "@azure/core-rest-pipeline";
import { odata, TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { UserProfile } from "../identity/identity-resolver.js";
import type { JSONValue } from "../mapping/json.js";
import type { DirectoryStore, ImportCheckpoint, NotificationLevelSetting, PendingUpload, UniqueNameClaim } from "./directory-store.js";

export interface TableDirectoryStoreOptions {
  /**
   * Create the table before the first operation if it does not exist (the credential must be
   * allowed to create tables). Default false: the table must exist.
   */
  createTable?: boolean;
}

/**
 * The most UTF-16 code units a string property may hold: Table storage keeps string property
 * values of up to 64 KiB, UTF-16 encoded.
 */
export const MAX_PROPERTY_LENGTH = 32 * 1024;
/**
 * The longest row key this store writes. Table storage allows keys of up to 1 KiB; Azurite
 * refuses keys over 512 characters, and so does this store, so that it behaves the same on both.
 */
export const MAX_KEY_LENGTH = 512;

const USER = "user";
const USER_ID = "userId";
const PROFILE = "profile";
const UNIQUE_NAME = "uniqueName";
const REVOCATION = "revocation";
const UPLOAD = "upload";
const MUTED = "muted";
const IMPORT = "import";

/** How often an insert-if-absent retries when the entity it lost to is gone by the time it reads it. */
const MAX_ATTEMPTS = 10;

interface UserEntity {
  identity: string;
  userId: string;
}
interface ProfileEntity {
  identity: string;
  /** Absent when the friendly name is null. */
  friendlyName?: string;
  /** JSON text. */
  attributes: string;
}
interface UniqueNameEntity {
  uniqueName: string;
  threadId: string;
  claimedBy?: string;
}
interface RevocationEntity {
  identity: string;
  revokedBefore: number;
}
interface MutedEntity {
  identity: string;
  /** JSON array of thread ids. */
  threadIds: string;
}
interface ImportEntity {
  conversationSid: string;
  /** The checkpoint as JSON text. */
  checkpoint: string;
}
interface UploadEntity {
  id: string;
  uploaderUserId: string;
  uploadedAt: number;
}

export class TableDirectoryStore implements DirectoryStore {
  readonly #client: TableClient;
  readonly #createTable: boolean;
  #tableReady: Promise<void> | undefined;

  constructor(client: TableClient, options: TableDirectoryStoreOptions = {}) {
    this.#client = client;
    this.#createTable = options.createTable ?? false;
  }

  /**
   * A store on table `tableName` of the account a connection string names. A connection string
   * whose `TableEndpoint` is `http://` (Azurite) gets `allowInsecureConnection` unless
   * `clientOptions` says otherwise.
   */
  static fromConnectionString(
    connectionString: string,
    tableName: string,
    options: TableDirectoryStoreOptions & { clientOptions?: TableServiceClientOptions } = {},
  ): TableDirectoryStore {
    const { clientOptions, ...storeOptions } = options;
    const insecure = /(^|;)\s*TableEndpoint\s*=\s*http:\/\//i.test(connectionString);
    const client = TableClient.fromConnectionString(connectionString, tableName, {
      ...(insecure ? { allowInsecureConnection: true } : {}),
      ...clientOptions,
    });
    return new TableDirectoryStore(client, storeOptions);
  }

  /** The table the directory lives in. */
  get tableClient(): TableClient {
    return this.#client;
  }

  async userIdOf(identity: string): Promise<string | undefined> {
    const entity = await this.#get<UserEntity>(USER, "identity", identity);
    return entity?.userId;
  }

  async identityOf(userId: string): Promise<string | undefined> {
    const entity = await this.#get<UserEntity>(USER_ID, "userId", userId);
    return entity?.identity;
  }

  async putUserIfAbsent(identity: string, userId: string): Promise<string> {
    const rowKey = directoryRowKey("identity", identity);
    directoryRowKey("userId", userId); // refuses what the reverse entity could not store, before the forward one is written
    const winner = await this.#createOrRead<UserEntity>(USER, rowKey, "identity", { identity, userId });
    // The reverse mapping follows the forward one. Every caller writes it for the winner (the
    // same entity each time), so that it exists once any of them has returned, even if the
    // winner's process died between its two writes.
    await this.#ready();
    await this.#client.upsertEntity<UserEntity>(
      { partitionKey: USER_ID, rowKey: directoryRowKey("userId", winner.userId), userId: winner.userId, identity },
      "Replace",
    );
    return winner.userId;
  }

  async profileOf(identity: string): Promise<UserProfile | undefined> {
    const entity = await this.#get<ProfileEntity>(PROFILE, "identity", identity);
    if (!entity) return undefined;
    return {
      friendlyName: typeof entity.friendlyName === "string" ? entity.friendlyName : null,
      attributes: JSON.parse(entity.attributes) as JSONValue,
    };
  }

  async putProfile(identity: string, profile: UserProfile): Promise<void> {
    const rowKey = directoryRowKey("identity", identity);
    const attributes = JSON.stringify(profile.attributes) as string | undefined;
    if (attributes === undefined) throw new TypeError("TableDirectoryStore.putProfile: profile.attributes must be a JSON value.");
    checkProperty("profile.attributes (as JSON text)", attributes);
    const { friendlyName } = profile;
    if (friendlyName !== null && typeof friendlyName !== "string") {
      throw new TypeError(`TableDirectoryStore.putProfile: profile.friendlyName must be a string or null, got ${typeof friendlyName}.`);
    }
    if (friendlyName !== null) checkProperty("profile.friendlyName", friendlyName);
    await this.#ready();
    // Replace, not merge: a null friendly name removes the property.
    await this.#client.upsertEntity<ProfileEntity>(
      { partitionKey: PROFILE, rowKey, identity, attributes, ...(friendlyName === null ? {} : { friendlyName }) },
      "Replace",
    );
  }

  async threadIdOf(uniqueName: string): Promise<string | undefined> {
    const entity = await this.#get<UniqueNameEntity>(UNIQUE_NAME, "uniqueName", uniqueName);
    return entity?.threadId;
  }

  async uniqueNameClaim(uniqueName: string): Promise<UniqueNameClaim | undefined> {
    const entity = await this.#get<UniqueNameEntity>(UNIQUE_NAME, "uniqueName", uniqueName);
    return entity && toClaim(entity);
  }

  async uniqueNameClaimsOf(threadId: string): Promise<UniqueNameClaim[]> {
    checkProperty("threadId", threadId);
    await this.#ready();
    const claims: UniqueNameClaim[] = [];
    const entities = this.#client.listEntities<UniqueNameEntity>({ queryOptions: { filter: odata`PartitionKey eq ${UNIQUE_NAME} and threadId eq ${threadId}` } });
    for await (const entity of entities) claims.push(toClaim(entity));
    return claims;
  }

  async claimUniqueName(uniqueName: string, threadId: string, claimedBy?: string): Promise<boolean> {
    const rowKey = directoryRowKey("uniqueName", uniqueName);
    checkProperty("threadId", threadId);
    if (claimedBy !== undefined) checkProperty("claimedBy", claimedBy);
    const holder = await this.#createOrRead<UniqueNameEntity>(UNIQUE_NAME, rowKey, "uniqueName", {
      uniqueName,
      threadId,
      ...(claimedBy !== undefined ? { claimedBy } : {}),
    });
    return holder.threadId === threadId;
  }

  async releaseUniqueName(uniqueName: string, threadId: string): Promise<void> {
    const rowKey = directoryRowKey("uniqueName", uniqueName);
    const entity = await this.#read<UniqueNameEntity>(UNIQUE_NAME, rowKey, "uniqueName", uniqueName);
    if (!entity || entity.threadId !== threadId) return;
    try {
      // Only the version just read: if the name was released and claimed again since, that
      // claim is someone else's (412), and if it is already gone there is nothing to do (404).
      await this.#client.deleteEntity(UNIQUE_NAME, rowKey, { etag: entity.etag });
    } catch (error) {
      if (statusOf(error) === 412 || isEntityNotFound(error)) return;
      throw error;
    }
  }

  async tokensRevokedBefore(identity: string): Promise<number | undefined> {
    const entity = await this.#get<RevocationEntity>(REVOCATION, "identity", identity);
    return entity?.revokedBefore;
  }

  async revokeTokensBefore(identity: string, time: number): Promise<void> {
    const rowKey = directoryRowKey("identity", identity);
    await this.#ready();
    // Keeps the latest time under concurrent revocations: write only over the version read (etag).
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.#read<RevocationEntity>(REVOCATION, rowKey, "identity", identity);
      if (current && current.revokedBefore >= time) return;
      try {
        if (current) await this.#client.updateEntity<RevocationEntity>({ partitionKey: REVOCATION, rowKey, identity, revokedBefore: time }, "Replace", { etag: current.etag });
        else await this.#client.createEntity<RevocationEntity>({ partitionKey: REVOCATION, rowKey, identity, revokedBefore: time });
        return;
      } catch (error) {
        if (statusOf(error) !== 412 && !isEntityAlreadyExists(error)) throw error;
      }
    }
    throw new Error(`TableDirectoryStore: the revocation of ${JSON.stringify(identity)} was changed by others ${MAX_ATTEMPTS} times while this call tried to write it.`);
  }

  async mutedThreadsOf(identity: string): Promise<string[]> {
    const entity = await this.#get<MutedEntity>(MUTED, "identity", identity);
    return entity ? (JSON.parse(entity.threadIds) as string[]) : [];
  }

  async putNotificationLevel(identity: string, threadId: string, level: NotificationLevelSetting): Promise<void> {
    const rowKey = directoryRowKey("identity", identity);
    await this.#ready();
    // One entity per identity, written only over the version read (etag): concurrent mutes of two conversations both stay.
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.#read<MutedEntity>(MUTED, rowKey, "identity", identity);
      const muted = new Set(current ? (JSON.parse(current.threadIds) as string[]) : []);
      if ((level === "muted") === muted.has(threadId)) return;
      if (level === "muted") muted.add(threadId);
      else muted.delete(threadId);
      const threadIds = JSON.stringify([...muted]);
      checkProperty("muted thread ids (as JSON text)", threadIds);
      try {
        if (current) await this.#client.updateEntity<MutedEntity>({ partitionKey: MUTED, rowKey, identity, threadIds }, "Replace", { etag: current.etag });
        else await this.#client.createEntity<MutedEntity>({ partitionKey: MUTED, rowKey, identity, threadIds });
        return;
      } catch (error) {
        if (statusOf(error) !== 412 && !isEntityAlreadyExists(error)) throw error;
      }
    }
    throw new Error(`TableDirectoryStore: the muted conversations of ${JSON.stringify(identity)} were changed by others ${MAX_ATTEMPTS} times while this call tried to write them.`);
  }

  async importCheckpointOf(conversationSid: string): Promise<ImportCheckpoint | undefined> {
    const entity = await this.#get<ImportEntity>(IMPORT, "conversationSid", conversationSid);
    return entity ? (JSON.parse(entity.checkpoint) as ImportCheckpoint) : undefined;
  }

  async putImportCheckpoint(checkpoint: ImportCheckpoint): Promise<void> {
    const rowKey = directoryRowKey("conversationSid", checkpoint.conversationSid);
    await this.#ready();
    // One importer per conversation at a time: its last write is the truth.
    await this.#client.upsertEntity<ImportEntity>({ partitionKey: IMPORT, rowKey, conversationSid: checkpoint.conversationSid, checkpoint: JSON.stringify(checkpoint) }, "Replace");
  }

  async trackUpload(upload: PendingUpload): Promise<void> {
    const rowKey = directoryRowKey("id", upload.id);
    checkProperty("uploaderUserId", upload.uploaderUserId);
    await this.#ready();
    await this.#client.upsertEntity<UploadEntity>(
      { partitionKey: UPLOAD, rowKey, id: upload.id, uploaderUserId: upload.uploaderUserId, uploadedAt: upload.uploadedAt },
      "Replace",
    );
  }

  async pendingUploads(uploadedBefore: number, limit: number): Promise<PendingUpload[]> {
    await this.#ready();
    const uploads: PendingUpload[] = [];
    const entities = this.#client.listEntities<UploadEntity>({ queryOptions: { filter: odata`PartitionKey eq ${UPLOAD} and uploadedAt lt ${uploadedBefore}` } });
    for await (const entity of entities) {
      uploads.push({ id: entity.id, uploaderUserId: entity.uploaderUserId, uploadedAt: entity.uploadedAt });
      if (uploads.length >= limit) break;
    }
    return uploads;
  }

  async untrackUpload(id: string): Promise<void> {
    await this.#ready();
    try {
      await this.#client.deleteEntity(UPLOAD, directoryRowKey("id", id));
    } catch (error) {
      if (!isEntityNotFound(error)) throw error;
    }
  }

  /** Inserts `properties` under (partitionKey, rowKey) unless an entity is there; resolves to the entity there afterwards. */
  async #createOrRead<T extends UserEntity | UniqueNameEntity>(
    partitionKey: string,
    rowKey: string,
    field: keyof T & string,
    properties: T,
  ): Promise<T> {
    await this.#ready();
    const text = properties[field] as string;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      try {
        await this.#client.createEntity<T>({ partitionKey, rowKey, ...properties });
        return properties;
      } catch (error) {
        if (!isEntityAlreadyExists(error)) throw error;
      }
      // Someone else won: read what they wrote. Gone again (released meanwhile): try again.
      const winner = await this.#read<T>(partitionKey, rowKey, field, text);
      if (winner) return winner;
    }
    throw new Error(
      `TableDirectoryStore: ${partitionKey} ${JSON.stringify(text)} was created and removed by others ${MAX_ATTEMPTS} times while this call tried to create it.`,
    );
  }

  async #get<T extends object>(partitionKey: string, field: keyof T & string, text: string): Promise<T | undefined> {
    return this.#read<T>(partitionKey, directoryRowKey(field, text), field, text);
  }

  /** The entity at (partitionKey, rowKey) with its etag, or undefined when there is none. */
  async #read<T extends object>(
    partitionKey: string,
    rowKey: string,
    field: keyof T & string,
    text: string,
  ): Promise<(T & { etag: string }) | undefined> {
    await this.#ready();
    let entity: T & { etag: string };
    try {
      entity = await this.#client.getEntity<T>(partitionKey, rowKey);
    } catch (error) {
      if (isEntityNotFound(error)) return undefined;
      throw error;
    }
    const stored: unknown = entity[field];
    if (stored !== text) {
      // Only a SHA-256 collision between two long keys (or a foreign entity in the table) gets here.
      throw new Error(
        `TableDirectoryStore: the ${partitionKey} entity at row key ${rowKey} is for ${JSON.stringify(stored)}, not ${JSON.stringify(text)}.`,
      );
    }
    return entity;
  }

  #ready(): Promise<void> {
    if (!this.#createTable) return Promise.resolve();
    // createTable() succeeds when the table already exists (the SDK swallows TableAlreadyExists).
    this.#tableReady ??= this.#client.createTable().then(
      () => undefined,
      (error: unknown) => {
        this.#tableReady = undefined;
        throw error;
      },
    );
    return this.#tableReady;
  }
}

function toClaim(entity: UniqueNameEntity): UniqueNameClaim {
  return { uniqueName: entity.uniqueName, threadId: entity.threadId, ...(typeof entity.claimedBy === "string" ? { claimedBy: entity.claimedBy } : {}) };
}

/**
 * The row key for a text: `b` + base64url(UTF-8) when that is at most {@link MAX_KEY_LENGTH}
 * characters, else `h` + base64url(SHA-256(UTF-8)). Both alphabets are allowed in keys, and the
 * first character keeps the two kinds apart.
 */
export function directoryRowKey(name: string, text: string): string {
  if (typeof text !== "string") throw new TypeError(`TableDirectoryStore: ${name} must be a string, got ${typeof text}.`);
  // UTF-8 turns every lone surrogate into U+FFFD, so two such texts would share a key.
  if (/[\uD800-\uDFFF]/u.test(text)) {
    throw new RangeError(`TableDirectoryStore: ${name} is not well-formed Unicode (it has a lone surrogate).`);
  }
  checkProperty(name, text);
  const bytes = Buffer.from(text, "utf8");
  const key = "b" + bytes.toString("base64url");
  if (key.length <= MAX_KEY_LENGTH) return key;
  return "h" + createHash("sha256").update(bytes).digest("base64url");
}

/** Refuses strings Table storage would refuse as a property value (more than 64 KiB as UTF-16). */
function checkProperty(name: string, value: string): void {
  if (value.length > MAX_PROPERTY_LENGTH) {
    throw new RangeError(
      `TableDirectoryStore: ${name} is ${value.length} UTF-16 code units (${value.length * 2} bytes); ` +
        `Azure Table Storage keeps string properties of at most 64 KiB (${MAX_PROPERTY_LENGTH} UTF-16 code units).`,
    );
  }
}

function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

/** The service's error code (the x-ms-error-code header, which the SDK puts in `details.errorCode`). */
function errorCodeOf(error: unknown): string | undefined {
  if (!isRestError(error)) return undefined;
  const details: unknown = error.details;
  if (typeof details === "object" && details !== null && "errorCode" in details && typeof details.errorCode === "string") {
    return details.errorCode;
  }
  return undefined;
}

/** 409 from createEntity: the entity exists (not TableBeingDeleted, another 409). */
function isEntityAlreadyExists(error: unknown): boolean {
  if (statusOf(error) !== 409) return false;
  const code = errorCodeOf(error);
  return code === undefined || code === "EntityAlreadyExists";
}

/** 404 for a missing entity (not TableNotFound, which must reach the caller). */
function isEntityNotFound(error: unknown): boolean {
  if (statusOf(error) !== 404) return false;
  const code = errorCodeOf(error);
  return code === undefined || code === "ResourceNotFound";
}
