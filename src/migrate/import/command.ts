/**
 * `twilio-conversations-acs import --from-twilio --to-acs`: the importer as a command. Twilio's
 * credentials, ACS's connection string and the server kit's stores come from the environment
 * (the same ones the app's server kit uses, so that the users, names and files it writes are the
 * ones the kit finds); a progress line on a terminal, plain lines otherwise; the report at the end.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { BlobMediaStore } from "../../media/blob-media-store.js";
import { createServerKit } from "../../server/server-kit.js";
import { TableDirectoryStore } from "../../server/table-directory-store.js";
import { DEFAULT_CONCURRENCY, importFromTwilio, planImportFromTwilio, type ImportProgress } from "./importer.js";
import { formatDuration } from "./pace.js";
import { formatImportReport } from "./report.js";
import { TwilioRestSource, TwilioSourceError } from "./twilio-source.js";

export const IMPORT_USAGE = `Usage: twilio-conversations-acs import --from-twilio --to-acs [--plan] [--conversation CH...]... [--since DATE] [--report FILE] [--format text|json]

  Copies conversations, participants, messages (with attributes and files), read horizons,
  unique names and user profiles from Twilio Conversations to ACS Chat, at the pace ACS's rate
  limits allow. Stop it any time (Ctrl-C): running it again continues where it stopped, and
  writes nothing twice.

  --plan             read Twilio only: print the counts and the time ACS's limits need, write nothing
  --conversation ID  only this conversation (sid or unique name); repeat for more
  --since DATE       the second pass on cut-over day (ISO 8601): also look again at conversations an earlier run
                     finished, and bring what they have that is new (without it, those are skipped)
  --report FILE      also write the report as JSON to FILE
  --format F         text (default) or json, for the report on stdout
  --concurrency N    conversations written at once (default ${DEFAULT_CONCURRENCY})

  Environment:
  TWILIO_ACCOUNT_SID                 AC...; with TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET
  TWILIO_CONVERSATIONS_SERVICE_SID   IS...: a Conversation Service other than the account's default one
  ACS_CONNECTION_STRING              the ACS resource to write to
  AZURE_STORAGE_CONNECTION_STRING    the storage account of the server kit's directory (Table) and files (Blob)
  DIRECTORY_TABLE                    the kit's directory table (default: twilioconversationsacs)
  MEDIA_CONTAINER                    the kit's media container (default: chat-media)
  TOKEN_SIGNING_SECRET               the kit's signing secret (file ids name their uploader with it)
  Exit codes: 0 all imported (or skipped), 1 some conversations failed (run again), 2 bad arguments or credentials.
`;

const FORMATS = ["text", "json"] as const;

export async function importCommand(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        "from-twilio": { type: "boolean" },
        "to-acs": { type: "boolean" },
        plan: { type: "boolean" },
        conversation: { type: "string", multiple: true },
        since: { type: "string" },
        report: { type: "string" },
        format: { type: "string" },
        concurrency: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(IMPORT_USAGE);
    return 0;
  }
  if (!values["from-twilio"] || !values["to-acs"]) return usageError("import needs --from-twilio --to-acs (the only direction there is, said out loud)");
  const format = (values.format as string | undefined) ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) return usageError(`--format must be ${FORMATS.join(" or ")}; got ${format}`);
  const since = values.since === undefined ? undefined : new Date(values.since as string);
  if (since && Number.isNaN(since.getTime())) return usageError(`--since must be a date (ISO 8601, e.g. 2026-12-01T00:00:00Z); got ${String(values.since)}`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) return usageError(`--concurrency must be a whole number of at least 1; got ${String(values.concurrency)}`);

  const missing = (names: string[]) => names.filter((name) => !env[name]);
  const twilioMissing = missing(["TWILIO_ACCOUNT_SID"]).concat(env.TWILIO_AUTH_TOKEN ? [] : missing(["TWILIO_API_KEY", "TWILIO_API_SECRET"]).length ? ["TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET)"] : []);
  if (twilioMissing.length) return usageError(`Set ${twilioMissing.join(", ")} in the environment.`);
  let source: TwilioRestSource;
  try {
    source = new TwilioRestSource({
      accountSid: env.TWILIO_ACCOUNT_SID!,
      ...(env.TWILIO_AUTH_TOKEN ? { authToken: env.TWILIO_AUTH_TOKEN } : { apiKeySid: env.TWILIO_API_KEY!, apiKeySecret: env.TWILIO_API_SECRET! }),
      ...(env.TWILIO_CONVERSATIONS_SERVICE_SID ? { serviceSid: env.TWILIO_CONVERSATIONS_SERVICE_SID } : {}),
      // For a proxy, or the tests' stand-in of Twilio.
      ...(env.TWILIO_CONVERSATIONS_URL ? { conversationsUrl: env.TWILIO_CONVERSATIONS_URL } : {}),
      ...(env.TWILIO_MCS_URL ? { mcsUrl: env.TWILIO_MCS_URL } : {}),
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const conversations = values.conversation as string[] | undefined;
  const selection = { ...(conversations ? { conversations } : {}), ...(since ? { since } : {}) };

  try {
    if (values.plan) {
      const plan = await planImportFromTwilio({ source, ...selection, ...(concurrency ? { concurrency } : {}) });
      const lines = [
        `Twilio: ${plan.conversations} conversation(s), ${plan.participants} chat participant(s), ${plan.messages} message(s), ${plan.media} file(s) (${(plan.mediaBytes / 1_048_576).toFixed(1)} MiB).`,
        plan.nonChatParticipants ? `${plan.nonChatParticipants} SMS/WhatsApp participant(s) have no ACS Chat equivalent: their messages are imported, they are not.` : "",
        plan.tooLarge.length ? `${plan.tooLarge.length} conversation(s) have more participants than an ACS thread holds and will be skipped: ${plan.tooLarge.join(", ")}.` : "",
        `ACS's rate limits (30 messages a minute per thread, 10 threads created per 10 s, up to ${concurrency ?? DEFAULT_CONCURRENCY} conversations written at once) need at least ${formatDuration(plan.timeAtLimitsMs)} to write it.`,
      ];
      process.stdout.write(format === "json" ? `${JSON.stringify(plan, null, 2)}\n` : `${lines.filter(Boolean).join("\n")}\n`);
      return 0;
    }
    const kitMissing = missing(["ACS_CONNECTION_STRING", "AZURE_STORAGE_CONNECTION_STRING", "TOKEN_SIGNING_SECRET"]);
    if (kitMissing.length) return usageError(`Set ${kitMissing.join(", ")} in the environment: the import writes through the same server kit as your app.`);
    const kit = createServerKit({
      connectionString: env.ACS_CONNECTION_STRING!,
      signingSecret: env.TOKEN_SIGNING_SECRET!,
      // The kit only writes here: it serves no request, so these are never used.
      publicUrl: "https://import.invalid",
      authenticate: () => undefined,
      store: TableDirectoryStore.fromConnectionString(env.AZURE_STORAGE_CONNECTION_STRING!, env.DIRECTORY_TABLE ?? "twilioconversationsacs", { createTable: true }),
      mediaStore: BlobMediaStore.fromConnectionString(env.AZURE_STORAGE_CONNECTION_STRING!, env.MEDIA_CONTAINER ?? "chat-media", { createContainer: true }),
    });
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      process.stderr.write("\nStopping after the steps under way (Ctrl-C again to quit at once); run the same command to continue.\n");
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    const progress = progressPrinter(process.stderr);
    try {
      const report = await importFromTwilio({ kit, source, ...selection, ...(concurrency ? { concurrency } : {}), onProgress: progress.update, signal: stop.signal });
      progress.done();
      if (values.report) writeFileSync(values.report as string, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(format === "json" ? `${JSON.stringify(report, null, 2)}\n` : `${formatImportReport(report)}\n`);
      return report.totals.conversations.failed > 0 ? 1 : 0;
    } finally {
      process.off("SIGINT", onSignal);
    }
  } catch (error) {
    if (error instanceof TwilioSourceError && ["auth", "forbidden", "unknown-service", "not-found"].includes(error.kind)) {
      process.stderr.write(`twilio-conversations-acs import: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${IMPORT_USAGE}`);
  return 2;
}

/** One line rewritten in place on a terminal; elsewhere a line every 10 s and at the end. */
function progressPrinter(out: NodeJS.WriteStream): { update: (progress: ImportProgress) => void; done: () => void } {
  const startedAt = Date.now();
  let last: ImportProgress | undefined;
  let printedAt = 0;
  const line = (p: ImportProgress) => {
    const seconds = (Date.now() - startedAt) / 1000;
    const rate = seconds > 0 ? p.messagesImported / seconds : 0;
    const left = Math.max(0, p.messagesKnown - p.messagesImported);
    const width = 20;
    const filled = p.conversationsTotal ? Math.round((p.conversationsDone / p.conversationsTotal) * width) : 0;
    const bar = `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
    const eta = rate > 0 && left > 0 ? `, about ${formatDuration((left / rate) * 1000)} left for the messages read so far` : "";
    return `${out.isTTY ? `${bar} ` : ""}${p.conversationsDone}/${p.conversationsTotal} conversations, ${p.messagesImported} messages (${rate.toFixed(1)}/s)${eta}`;
  };
  return {
    update(progress) {
      last = progress;
      const now = Date.now();
      if (out.isTTY) {
        if (now - printedAt < 200) return;
        out.write(`\r${line(progress)}\u001b[K`);
      } else {
        if (now - printedAt < 10_000) return;
        out.write(`${line(progress)}\n`);
      }
      printedAt = now;
    },
    done() {
      if (!last) return;
      out.write(out.isTTY ? `\r${line(last)}\u001b[K\n` : `${line(last)}\n`);
    },
  };
}
