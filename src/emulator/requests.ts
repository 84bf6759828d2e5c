/**
 * The request bodies the ACS Chat and Identity services accept, as zod schemas: what the service
 * would reject with 400 is rejected here with a message naming the field.
 */
import { z } from "zod";
import { badRequest } from "./api-error.js";
import { ACS_TOKEN_SCOPES } from "./auth.js";

const metadata = z.record(z.string(), z.string());
/** Merge-patch bodies may null a key to remove it. */
const metadataPatch = z.record(z.string(), z.string().nullable());

export const identifierSchema = z
  .object({
    rawId: z.string().optional(),
    kind: z.string().optional(),
    communicationUser: z.object({ id: z.string().min(1) }).optional(),
    phoneNumber: z.object({ value: z.string() }).optional(),
    microsoftTeamsUser: z.object({ userId: z.string() }).passthrough().optional(),
    microsoftTeamsApp: z.object({ appId: z.string() }).passthrough().optional(),
  })
  .passthrough()
  .refine((id) => id.rawId || id.communicationUser || id.phoneNumber || id.microsoftTeamsUser || id.microsoftTeamsApp, {
    message: "an identifier needs rawId or one of communicationUser, phoneNumber, microsoftTeamsUser, microsoftTeamsApp",
  });
export type IdentifierInput = z.infer<typeof identifierSchema>;

export const participantSchema = z.object({
  communicationIdentifier: identifierSchema,
  displayName: z.string().optional(),
  shareHistoryTime: z.iso.datetime({ offset: true }).optional(),
  metadata: metadata.optional(),
});
export type ParticipantInput = z.infer<typeof participantSchema>;

const retentionPolicy = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({ kind: z.literal("threadCreationDate"), deleteThreadAfterDays: z.number().int() }),
]);

export const createThreadSchema = z.object({
  topic: z.string(),
  participants: z.array(participantSchema).optional(),
  metadata: metadata.optional(),
  retentionPolicy: retentionPolicy.optional(),
});

export const updateThreadSchema = z.object({
  topic: z.string().optional(),
  metadata: metadataPatch.optional(),
  retentionPolicy: retentionPolicy.optional(),
});

export const sendMessageSchema = z.object({
  content: z.string(),
  senderDisplayName: z.string().optional(),
  type: z.enum(["text", "html", "topicUpdated", "participantAdded", "participantRemoved"]).optional(),
  metadata: metadata.optional(),
});

export const updateMessageSchema = z.object({
  content: z.string().optional(),
  metadata: metadataPatch.optional(),
});

export const addParticipantsSchema = z.object({ participants: z.array(participantSchema) });
export const sendReadReceiptSchema = z.object({ chatMessageId: z.string().min(1) });
export const typingSchema = z.object({ senderDisplayName: z.string().optional() });

const scopes = z.array(z.enum(ACS_TOKEN_SCOPES)).min(1);
const expiresInMinutes = z.number().int().optional();
export const createIdentitySchema = z.object({ createTokenWithScopes: scopes.optional(), expiresInMinutes });
// Missing or empty scopes are the service's own 400 (ValidationError), answered by IdentityService.
export const issueTokenSchema = z.object({ scopes: z.array(z.enum(ACS_TOKEN_SCOPES)).optional(), expiresInMinutes });

/** Parses a JSON body against a schema; an empty body counts as `{}` where the schema allows it. */
export function parseBody<T extends z.ZodType>(schema: T, raw: Buffer): z.infer<T> {
  let json: unknown = {};
  if (raw.length > 0) {
    try {
      json = JSON.parse(raw.toString("utf8"));
    } catch {
      throw badRequest("The request body is not valid JSON.");
    }
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join(".") || "body";
    throw badRequest(`Invalid request: ${field}: ${issue.message}`, field);
  }
  return result.data;
}
