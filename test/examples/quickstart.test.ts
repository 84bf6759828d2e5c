/** The README's quickstart runs as written. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url).pathname;

it("sends a message from alice that bob receives as an event and on his first page", async () => {
  const { stdout } = await run(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, `${root}examples/quickstart.ts`], { cwd: root, timeout: 60_000 });
  expect(stdout).toContain(`bob got "Hello Bob!" from alice in "Support", attributes {"importance":1}`);
  expect(stdout).toMatch(/bob's first page: #\d+ alice: Hello Bob!$/m);
}, 90_000);
