/**
 * `check --fix`: the import and require specifiers `@twilio/conversations` of an app, rewritten to
 * `twilio-conversations-acs` in place; nothing else of the file changes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { relative, sep } from "node:path";
import type * as TS from "typescript";
import { readProject, type ProjectInput } from "./project.js";
import { loadTypeScript, type TypeScriptApi } from "./typescript.js";

export const TWILIO_MODULE = "@twilio/conversations";
export const OWN_MODULE = "twilio-conversations-acs";

/** A `@twilio/conversations` module specifier in the app: the position of its first quote. */
export interface ImportSpecifier {
  file: string;
  line: number;
  column: number;
  /** `import` (declarations, `import type`, `import()`, `import x = require()`, type imports), `export` (re-exports) or `require`. */
  kind: "import" | "export" | "require";
}

function specifierKind(ts: TypeScriptApi, literal: TS.StringLiteralLike): ImportSpecifier["kind"] | undefined {
  const parent = literal.parent;
  if (ts.isImportDeclaration(parent) && parent.moduleSpecifier === literal) return "import";
  if (ts.isExportDeclaration(parent) && parent.moduleSpecifier === literal) return "export";
  if (ts.isExternalModuleReference(parent)) return "import";
  if (ts.isLiteralTypeNode(parent) && ts.isImportTypeNode(parent.parent)) return "import";
  if (ts.isCallExpression(parent) && parent.arguments[0] === literal && parent.arguments.length === 1) {
    if (parent.expression.kind === ts.SyntaxKind.ImportKeyword) return "import";
    if (ts.isIdentifier(parent.expression) && parent.expression.text === "require") return "require";
  }
  return undefined;
}

function literalsOf(ts: TypeScriptApi, sourceFile: TS.SourceFile): TS.StringLiteralLike[] {
  const found: TS.StringLiteralLike[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isStringLiteralLike(node) && node.text === TWILIO_MODULE && specifierKind(ts, node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The `@twilio/conversations` specifiers of one parsed file. */
export function importSpecifiers(ts: TypeScriptApi, sourceFile: TS.SourceFile, file: string): ImportSpecifier[] {
  return literalsOf(ts, sourceFile).map((literal) => {
    const { line, character } = sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile));
    return { file, line: line + 1, column: character + 1, kind: specifierKind(ts, literal)! };
  });
}

/** One file's rewrite: its text before and after. */
export interface FileRewrite {
  /** Relative to the checked folder, with `/`. */
  file: string;
  path: string;
  before: string;
  after: string;
  specifiers: number;
}

function scriptKind(ts: TypeScriptApi, path: string): TS.ScriptKind {
  if (/\.[cm]?tsx?$/.test(path)) return path.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return path.endsWith("x") ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
}

/** The rewrites `--fix` makes in `input.dir`, computed, not written. */
export function planRewrites(ts: TypeScriptApi, input: ProjectInput): FileRewrite[] {
  const project = readProject(ts, input);
  const rewrites: FileRewrite[] = [];
  for (const path of project.sources) {
    const before = readFileSync(path, "utf8");
    if (!before.includes(TWILIO_MODULE)) continue;
    const sourceFile = ts.createSourceFile(path, before, ts.ScriptTarget.Latest, true, scriptKind(ts, path));
    const literals = literalsOf(ts, sourceFile);
    if (literals.length === 0) continue;
    let after = before;
    // From the end, so earlier positions stay valid; only the text between the quotes changes.
    for (const literal of [...literals].reverse()) {
      const start = literal.getStart(sourceFile) + 1;
      after = after.slice(0, start) + OWN_MODULE + after.slice(literal.getEnd() - 1);
    }
    rewrites.push({ file: relative(project.root, path).split(sep).join("/"), path, before, after, specifiers: literals.length });
  }
  return rewrites;
}

/** A unified diff (no context lines) of the rewrites, as `git apply --unidiff-zero` takes it. */
export function renderDiff(rewrites: readonly FileRewrite[]): string {
  const out: string[] = [];
  for (const { file, before, after } of rewrites) {
    const old = before.split("\n");
    const now = after.split("\n");
    out.push(`--- a/${file}`, `+++ b/${file}`);
    // A specifier rewrite never adds or removes lines: compare line by line.
    old.forEach((line, index) => {
      if (line !== now[index]) out.push(`@@ -${index + 1} +${index + 1} @@`, `-${line}`, `+${now[index]}`);
    });
  }
  return out.length > 0 ? `${out.join("\n")}\n` : "";
}

/** Writes the rewrites. */
export function applyRewrites(rewrites: readonly FileRewrite[]): void {
  for (const { path, after } of rewrites) writeFileSync(path, after);
}

/** Computes the rewrites of `input.dir` and, unless `dryRun`, writes them. Loads `typescript`. */
export async function fixImports(input: ProjectInput & { dryRun?: boolean }): Promise<{ rewrites: FileRewrite[]; diff: string }> {
  const rewrites = planRewrites(await loadTypeScript(), input);
  if (!input.dryRun) applyRewrites(rewrites);
  return { rewrites, diff: renderDiff(rewrites) };
}
