/**
 * The `twilio-conversations-acs` command. `twilio-conversations-acs emulator` runs the local
 * ACS Chat + Identity emulator until Ctrl-C; `twilio-conversations-acs check` reports what of an
 * app's use of the Twilio API changes on ACS (it loads `typescript` only then);
 * `twilio-conversations-acs import` copies the conversation history from Twilio to ACS.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator/index.js";

const EMULATOR_USAGE = `Usage: twilio-conversations-acs emulator [--port N] [--realtime-port N] [--host H] [--data FILE] [--ca-file FILE]

  --port N           port to listen on (default: a free port)
  --realtime-port N  port of the realtime notification server, for browsers (default: a free port)
  --host H           address to listen on (default: 127.0.0.1)
  --data FILE        keep users, tokens and threads in FILE across restarts
  --ca-file FILE     where to write the emulator's certificate (default: next to --data, or the temp folder)
`;

const CHECK_USAGE = `Usage: twilio-conversations-acs check [dir] [--project FILE] [--format text|markdown|json] [--fail-on unsupported|emulated|none] [--fix | --dry-run]

  Reports every use of a Twilio Conversations member in the app in dir (default: .), with what it
  does on ACS, and the code that breaks on ACS. Needs the typescript package (5.x).

  --project FILE  the app's tsconfig.json or jsconfig.json (default: the one in dir, else all its .ts .tsx .js .jsx .mjs .cjs files)
  --format F      text (default), markdown (for a pull-request comment) or json (for CI tools; see the README)
  --fail-on L     exit 1 when a use at or above L is found: unsupported (default; also the patterns that break), emulated, or none
  --fix           rewrite the import and require specifiers "@twilio/conversations" to "twilio-conversations-acs" in place
  --dry-run       print the diff --fix would apply, and change nothing
  Exit codes: 0 nothing at or above --fail-on, 1 found, 2 bad arguments or an unreadable project.
`;

const IMPORT_SUMMARY = `Usage: twilio-conversations-acs import --from-twilio --to-acs [--plan] [--conversation CH...] [--since DATE] [--report FILE]

  Copies the conversation history from Twilio to ACS (see twilio-conversations-acs import --help).
`;

const USAGE = `${EMULATOR_USAGE}\n${CHECK_USAGE}\n${IMPORT_SUMMARY}`;

/** A command's options, or its exit code: 2 with the usage on stderr for bad ones, 0 with the usage on stdout for --help. */
function parseCommand(
  args: string[],
  options: Record<string, { type: "string" | "boolean"; short?: string }>,
  usage: string,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } | number {
  try {
    const { values, positionals } = parseArgs({ args, allowPositionals, options: { ...options, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(usage);
      return 0;
    }
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "check") return check(rest);
  // Loaded here, so that the emulator and check load none of the importer.
  if (command === "import") return (await import("./migrate/import/command.js")).importCommand(rest);
  if (command !== "emulator") {
    process.stderr.write(USAGE);
    return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
  }
  const parsed = parseCommand(
    rest,
    { port: { type: "string" }, "realtime-port": { type: "string" }, host: { type: "string" }, data: { type: "string" }, "ca-file": { type: "string" } },
    EMULATOR_USAGE,
  );
  if (typeof parsed === "number") return parsed;
  const values = parsed.values as { port?: string; "realtime-port"?: string; host?: string; data?: string; "ca-file"?: string };
  const portOf = (name: "port" | "realtime-port"): number | undefined => {
    const port = values[name] === undefined ? 0 : Number(values[name]);
    if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
    process.stderr.write(`--${name} must be an integer from 0 to 65535; got ${values[name]}\n`);
    return undefined;
  };
  const port = portOf("port");
  const realtimePort = portOf("realtime-port");
  if (port === undefined || realtimePort === undefined) return 2;
  const dataFile = values.data ? resolve(values.data) : undefined;
  const emulator = await startEmulator({ port, host: values.host, dataFile, realtime: { port: realtimePort } });
  const caFile = resolve(values["ca-file"] ?? (dataFile ? `${dataFile}.ca.pem` : join(tmpdir(), `acs-emulator-${emulator.port}.pem`)));
  mkdirSync(dirname(caFile), { recursive: true });
  writeFileSync(caFile, emulator.caPem);

  process.stdout.write(
    [
      `ACS emulator listening`,
      `  endpoint:          ${emulator.endpoint}`,
      `  realtime:          ${emulator.realtime.url} (browser realtime notifications; same certificate)`,
      `  connection string: ${emulator.connectionString}`,
      `  CA certificate:    ${caFile}`,
      dataFile ? `  data file:         ${dataFile}` : `  data:              in memory (use --data FILE to keep it)`,
      ``,
      `Trust the certificate in Node with NODE_EXTRA_CA_CERTS=${caFile}`,
      `or pass { tlsOptions: { ca } } with the file's contents to ChatClient and CommunicationIdentityClient.`,
      `Press Ctrl-C to stop.`,
      ``,
    ].join("\n"),
  );

  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await emulator.close();
  process.stdout.write("ACS emulator stopped\n");
  return 0;
}

const FORMATS = ["text", "markdown", "json"] as const;
const FAIL_ON = ["unsupported", "emulated", "none"] as const;

async function check(args: string[]): Promise<number> {
  const parsed = parseCommand(
    args,
    { project: { type: "string", short: "p" }, format: { type: "string" }, "fail-on": { type: "string" }, fix: { type: "boolean" }, "dry-run": { type: "boolean" } },
    CHECK_USAGE,
    true,
  );
  if (typeof parsed === "number") return parsed;
  const { positionals } = parsed;
  const values = parsed.values as { project?: string; format?: string; "fail-on"?: string; fix?: boolean; "dry-run"?: boolean };
  const format = values.format ?? "text";
  const failOn = values["fail-on"] ?? "unsupported";
  const problem =
    positionals.length > 1
      ? `check takes one folder; got ${positionals.join(" ")}`
      : !(FORMATS as readonly string[]).includes(format)
        ? `--format must be ${FORMATS.join(", ")}; got ${format}`
        : !(FAIL_ON as readonly string[]).includes(failOn)
          ? `--fail-on must be ${FAIL_ON.join(", ")}; got ${failOn}`
          : values.fix && values["dry-run"]
            ? "--fix and --dry-run exclude each other: --dry-run prints what --fix would write"
            : undefined;
  if (problem) {
    process.stderr.write(`${problem}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const input = { dir: positionals[0] ?? ".", ...(values.project !== undefined ? { project: values.project } : {}) };
  // Loaded here, so that the emulator runs without typescript installed.
  const migrate = await import("./migrate/index.js");
  try {
    if (values.fix || values["dry-run"]) {
      const { rewrites, diff } = await migrate.fixImports({ ...input, dryRun: values["dry-run"] === true });
      const count = rewrites.reduce((total, rewrite) => total + rewrite.specifiers, 0);
      if (values["dry-run"]) process.stdout.write(diff || "No import of @twilio/conversations to rewrite.\n");
      else process.stdout.write(`${count === 0 ? "No import of @twilio/conversations to rewrite." : `Rewrote ${count} import specifier${count === 1 ? "" : "s"} in ${rewrites.length} file${rewrites.length === 1 ? "" : "s"}: ${rewrites.map((rewrite) => rewrite.file).join(", ")}.`}\n`);
      return 0;
    }
    const report = await migrate.checkApp(input);
    process.stdout.write(migrate.formatReport(report, format as (typeof FORMATS)[number]));
    return migrate.failsAt(report, failOn as (typeof FAIL_ON)[number]) ? 1 : 0;
  } catch (error) {
    if (error instanceof migrate.ProjectError || error instanceof migrate.TypeScriptMissingError) {
      process.stderr.write(`twilio-conversations-acs check: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
