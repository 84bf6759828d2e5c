/**
 * The `twilio-conversations-acs` command. `twilio-conversations-acs emulator` runs the local
 * ACS Chat + Identity emulator until Ctrl-C.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "./emulator/index.js";

const USAGE = `Usage: twilio-conversations-acs emulator [--port N] [--realtime-port N] [--host H] [--data FILE] [--ca-file FILE]

  --port N           port to listen on (default: a free port)
  --realtime-port N  port of the realtime notification server, for browsers (default: a free port)
  --host H           address to listen on (default: 127.0.0.1)
  --data FILE        keep users, tokens and threads in FILE across restarts
  --ca-file FILE     where to write the emulator's certificate (default: next to --data, or the temp folder)
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "emulator") {
    process.stderr.write(USAGE);
    return command === undefined || command === "--help" || command === "-h" ? 0 : 2;
  }
  let values: { port?: string; "realtime-port"?: string; host?: string; data?: string; "ca-file"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        port: { type: "string" },
        "realtime-port": { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "ca-file": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
