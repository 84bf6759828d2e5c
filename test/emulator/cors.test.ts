/**
 * Browsers call ACS directly, so the emulator answers CORS as a browser needs: preflights before
 * auth, and the origin (with the headers the client reads) on every answer, errors included.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { fetchTrusting } from "../helpers/https-fetch.js";

let emulator: Emulator;
let fetchEmulator: typeof fetch;
const origin = "http://localhost:5173";

beforeAll(async () => {
  emulator = await startEmulator();
  fetchEmulator = fetchTrusting(emulator.caPem);
});
afterAll(async () => {
  await emulator?.close();
});

it("answers a preflight with 204 and the requested headers, without a token", async () => {
  const response = await fetchEmulator(`${emulator.endpoint}/chat/threads?api-version=2024-03-07`, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,x-ms-useragent" },
  });
  expect(response.status).toBe(204);
  expect(response.headers.get("access-control-allow-origin")).toBe(origin);
  expect(response.headers.get("access-control-allow-headers")).toBe("authorization,content-type,x-ms-useragent");
  expect(response.headers.get("access-control-allow-methods")).toContain("PATCH");
});

it("names the origin and exposes all headers (date and retry headers included) on errors too", async () => {
  const response = await fetchEmulator(`${emulator.endpoint}/chat/threads?api-version=2024-03-07`, { headers: { origin } });
  expect(response.status).toBe(401);
  expect(response.headers.get("access-control-allow-origin")).toBe(origin);
  // As every Chat answer in the recordings: "*" (see wire-format.test.ts).
  expect(response.headers.get("access-control-expose-headers")).toBe("*");
});

it("adds no CORS headers to requests without an origin (servers, Node)", async () => {
  const response = await fetchEmulator(`${emulator.endpoint}/chat/threads?api-version=2024-03-07`);
  expect(response.headers.get("access-control-allow-origin")).toBeNull();
});
