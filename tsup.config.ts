import { defineConfig, type Options } from "tsup";

// stripInternal: members tagged `@internal` are the library's own plumbing and stay out of the published typings.
const shared: Options = { format: ["esm", "cjs"], dts: { compilerOptions: { stripInternal: true } }, sourcemap: true, target: "es2022", clean: false };

export default defineConfig([
  // The Twilio-shaped client runs in browsers, React Native and Node: no Node built-ins here.
  {
    ...shared,
    entry: { index: "src/index.ts" },
    platform: "neutral",
    // esbuild annotates a CJS build's export names for Node's ESM loader (cjs-module-lexer) only on
    // platform "node"; without it `import()` of index.cjs sees only `default`. The ESM build stays neutral.
    esbuildOptions(options, { format }) {
      if (format === "cjs") options.platform = "node";
    },
  },
  { ...shared, entry: { "server/index": "src/server/index.ts", "emulator/index": "src/emulator/index.ts" }, platform: "node", target: "node20" },
  // `check`'s analysis, Node only. typescript is an optional peer dependency, imported on first use and never
  // bundled; shims give the CJS build the import.meta.url by which it finds this package's own typings.
  { ...shared, entry: { "migrate/index": "src/migrate/index.ts" }, platform: "node", target: "node20", external: ["typescript"], shims: true },
  { entry: { cli: "src/cli.ts" }, format: ["esm"], platform: "node", target: "node20", external: ["typescript"], banner: { js: "#!/usr/bin/env node" }, clean: false },
]);
