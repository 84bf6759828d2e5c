import { build } from "esbuild";
import { writeFileSync } from "node:fs";
const root = process.cwd() + "/";
const app = `import { Client, Conversation, Message, Participant, User, Media, MessageBuilder, RestPaginator } from "${root}src/index.ts";
  const client = new Client(localStorage.getItem("token"));
  client.on("messageAdded", (m) => console.log(m instanceof Message, Conversation, Participant, User, Media, MessageBuilder, RestPaginator));`;
const result = await build({ stdin: { contents: app, resolveDir: root, loader: "js" }, bundle: true, platform: "browser", format: "esm", minify: true, write: false, packages: "external", logLevel: "silent" });
writeFileSync("/tmp/ours.min.js", result.outputFiles[0].contents);
