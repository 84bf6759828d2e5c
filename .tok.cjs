const acorn = require("acorn");
const fs = require("fs");
const zlib = require("zlib");
const src = fs.readFileSync("/tmp/ours.min.js", "utf8");
let strBytes = 0, n = 0; const ranges = [];
for (const t of acorn.tokenizer(src, { ecmaVersion: "latest", sourceType: "module" })) {
  if (t.type.label === "string" || t.type.label === "template") { if (t.end - t.start > 20) { strBytes += t.end - t.start; n++; ranges.push([t.start, t.end]); } }
}
let out = ""; let last = 0; for (const [s, e] of ranges) { out += src.slice(last, s) + '""'; last = e; } out += src.slice(last);
console.log({ strBytes, n, total: src.length, gz: zlib.gzipSync(src).length, gzNoLongStrings: zlib.gzipSync(out).length });
