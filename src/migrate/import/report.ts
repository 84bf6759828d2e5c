/**
 * What an import did, per conversation: imported, skipped with the reason, failed with the
 * reason. A run's report is complete on its own; a re-run reports what it did itself.
 */
import { formatDuration } from "./pace.js";

export type ConversationOutcome =
  /** All its messages are in ACS (this run wrote some or all of them). */
  | "imported"
  /** Already imported by an earlier run, or left out on purpose (the reason says which). */
  | "skipped"
  /** Stopped: the reason says why; a re-run continues where it stopped. */
  | "failed";

/** Something of a conversation that was not carried over, and why. */
export interface Omission {
  /** What: "message IM... (index 4)", "participant MB...", "attributes", "unique name", "media ME...". */
  item: string;
  reason: string;
}

export interface ConversationReport {
  /** Twilio's sid (`CH...`). */
  sid: string;
  friendlyName: string | null;
  uniqueName: string | null;
  /** The ACS thread, once made. */
  threadId?: string;
  outcome: ConversationOutcome;
  /** Why it was skipped or failed. */
  reason?: string;
  /** Messages this run wrote, and in all runs so far. */
  messagesImported: number;
  messagesInAcs: number;
  participantsImported: number;
  /** Read horizons written as read receipts. */
  receiptsWritten: number;
  mediaImported: number;
  omitted: Omission[];
}

export interface ImportReport {
  startedAt: Date;
  finishedAt: Date;
  conversations: ConversationReport[];
  /** Profiles (friendly name, attributes) copied to the directory, of the users this run met; those it could not copy (a re-run copies them). */
  users: { copied: number; omitted: Omission[] };
  totals: {
    conversations: Record<ConversationOutcome, number>;
    messagesImported: number;
    mediaImported: number;
    omitted: number;
  };
}

export function totalsOf(conversations: readonly ConversationReport[]): ImportReport["totals"] {
  const count = (outcome: ConversationOutcome) => conversations.filter((c) => c.outcome === outcome).length;
  return {
    conversations: { imported: count("imported"), skipped: count("skipped"), failed: count("failed") },
    messagesImported: conversations.reduce((sum, c) => sum + c.messagesImported, 0),
    mediaImported: conversations.reduce((sum, c) => sum + c.mediaImported, 0),
    omitted: conversations.reduce((sum, c) => sum + c.omitted.length, 0),
  };
}

/** The report for people: totals first, then each conversation that was not simply imported whole. */
export function formatImportReport(report: ImportReport): string {
  const { totals } = report;
  const lines = [
    `Import from Twilio: ${totals.conversations.imported} conversation(s) imported, ${totals.conversations.skipped} skipped, ${totals.conversations.failed} failed; ` +
      `${totals.messagesImported} message(s) and ${totals.mediaImported} file(s) written in ${formatDuration(report.finishedAt.getTime() - report.startedAt.getTime())}.`,
  ];
  for (const conversation of report.conversations) {
    if (conversation.outcome === "imported" && conversation.omitted.length === 0) continue;
    const name = conversation.uniqueName ?? conversation.friendlyName;
    lines.push(`  ${conversation.sid}${name ? ` (${name})` : ""}: ${conversation.outcome}${conversation.reason ? `: ${conversation.reason}` : ""}`);
    for (const omission of conversation.omitted) lines.push(`    - ${omission.item}: ${omission.reason}`);
  }
  if (report.users.omitted.length) {
    lines.push(`  user profiles: ${report.users.copied} copied`);
    for (const omission of report.users.omitted) lines.push(`    - ${omission.item}: ${omission.reason}`);
  }
  if (totals.conversations.failed > 0) lines.push("Run the same command again to continue the failed conversations where they stopped.");
  return lines.join("\n");
}
