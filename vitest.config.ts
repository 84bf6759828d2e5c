import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file starts its own emulator. Most files spend their time waiting (polls, ACS's rate
    // limits, browsers): three workers keep this 2-core machine busy.
    pool: "forks",
    maxWorkers: 3,
    // Always the emulator, even with TWILIO_ACS_TARGET=live in the shell: the live run is npm run test:live.
    env: { TWILIO_ACS_TARGET: "emulator" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
