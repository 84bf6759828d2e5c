/**
 * Code that breaks on ACS although every member it touches exists: sids read as Twilio sids,
 * Twilio's private fields, `instanceof` across two copies of the SDK, and Twilio's server SDK
 * (REST calls, access tokens) that the server kit replaces.
 */
import type * as TS from "typescript";
import type { FileContext, SourceLocation } from "./analyze.js";
import type { TypeScriptApi } from "./typescript.js";

/**
 * - `sid-parsing`: a sid read as a Twilio sid (prefix, length, regular expression).
 * - `hard-coded-sid`: a Twilio sid written into the code.
 * - `private-field`: a private or `_`-prefixed field of Twilio's classes.
 * - `instanceof-copy`: `instanceof` against an API class while the app reaches two copies of the API.
 * - `twilio-server`: Twilio's server SDK (`twilio`: REST API, `AccessToken`, `ChatGrant`).
 */
export type PatternId = "sid-parsing" | "hard-coded-sid" | "private-field" | "instanceof-copy" | "twilio-server";

export interface PatternFinding extends SourceLocation {
  pattern: PatternId;
  /** The code, on one line. */
  code: string;
  explanation: string;
}

const SID_EXPLANATION =
  "ACS ids are not Twilio sids: a conversation's sid is an ACS thread id (19:...@thread.v2), a message's an ACS message id (digits), a participant's an ACS user id; no prefix (CH, IM, MB, US) or length holds. Treat sids as opaque strings.";
/** Two letters and 32 hex digits: CH conversations, IM messages, MB participants, US users, ME media, RL roles, IS services. */
const TWILIO_SID = /^(CH|IM|MB|US|ME|RL|IS|CA)[0-9a-fA-F]{32}$/;
const TWILIO_PREFIX = /^(CH|IM|MB|US|ME|RL|IS)$/;
/** String methods that take a sid apart. */
const PARSING_METHODS = new Set(["startsWith", "endsWith", "slice", "substring", "substr", "split", "match", "matchAll", "search", "charAt", "indexOf", "replace"]);
/** Names of Twilio's sids: `sid`, `conversationSid`, `participantSid`, `channel_sid`... */
const SID_NAME = /^(sid|[A-Za-z]+Sid|[a-z]+_sid)$/;

function nameOf(ts: TypeScriptApi, expression: TS.Expression): string | undefined {
  const inner = ts.skipPartiallyEmittedExpressions(ts.isParenthesizedExpression(expression) ? expression.expression : expression);
  if (ts.isIdentifier(inner)) return inner.text;
  if (ts.isPropertyAccessExpression(inner)) return inner.name.text;
  return undefined;
}

function isSid(ts: TypeScriptApi, expression: TS.Expression): boolean {
  const name = nameOf(ts, expression);
  return name !== undefined && SID_NAME.test(name);
}

function moduleName(ts: TypeScriptApi, node: TS.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) return node.moduleSpecifier.text;
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) return node.moduleReference.expression.text;
  if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
    const callee = node.expression;
    if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) return node.arguments[0].text;
  }
  return undefined;
}

/** The patterns of one file (all but `private-field`, which the member analysis finds). */
export function findPatterns(context: FileContext): PatternFinding[] {
  const { ts, checker, sourceFile } = context;
  const found: PatternFinding[] = [];
  const add = (pattern: PatternId, node: TS.Node, explanation: string, codeNode: TS.Node = node) =>
    found.push({ pattern, ...context.location(node), code: context.code(codeNode), explanation });
  const usesTwilioServer = /\b(require\s*\(\s*|from\s+|import\s*\(\s*)["']twilio(\/[^"']*)?["']/.test(sourceFile.text);

  const visit = (node: TS.Node): void => {
    // ---- sids ----
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const receiver = node.expression.expression;
      const first = node.arguments[0];
      if (PARSING_METHODS.has(method) && isSid(ts, receiver)) {
        add("sid-parsing", node, SID_EXPLANATION);
      } else if (method === "startsWith" && first && ts.isStringLiteral(first) && TWILIO_PREFIX.test(first.text)) {
        add("sid-parsing", node, SID_EXPLANATION);
      } else if ((method === "test" || method === "exec") && first && isSid(ts, first) && checker.getTypeAtLocation(receiver).getSymbol()?.name === "RegExp") {
        add("sid-parsing", node, SID_EXPLANATION);
      }
    } else if (ts.isPropertyAccessExpression(node) && node.name.text === "length" && isSid(ts, node.expression)) {
      add("sid-parsing", node, SID_EXPLANATION, node.parent);
    } else if (ts.isStringLiteralLike(node) && TWILIO_SID.test(node.text)) {
      add("hard-coded-sid", node, "A Twilio sid in the code names a Twilio resource; on ACS every id is different. Look the conversation up by its unique name (getConversationByUniqueName) or keep ACS ids in configuration.");
    }

    // ---- instanceof across copies ----
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword) {
      const right = context.classesOf(checker.getTypeAtLocation(node.right)).filter(({ isStatic }) => isStatic);
      const left = context.classesOf(checker.getTypeAtLocation(node.left)).filter(({ isStatic }) => !isStatic);
      for (const { api } of right) {
        const other = left.find((hit) => hit.api.module.file !== api.module.file)?.api.module ?? (context.copies.length > 1 ? context.copies.find((copy) => copy.file !== api.module.file) : undefined);
        if (other) {
          add(
            "instanceof-copy",
            node,
            `\`${api.name}\` here is the class of ${api.module.label}, while the app also uses ${other.label}: objects made by one copy are never \`instanceof\` the other's classes (ESM and CommonJS builds are two copies too). Import every Twilio class from one module, or test a field (e.g. \`"sid" in value\`) instead.`,
          );
        }
      }
    }

    // ---- Twilio's server SDK ----
    const module = moduleName(ts, node);
    if (module !== undefined && (module === "twilio" || module.startsWith("twilio/"))) {
      add("twilio-server", node, "Twilio's server SDK (`twilio`): its REST API and access tokens talk to Twilio. On ACS the server kit (`createServerKit` from `twilio-conversations-acs/server`) issues client tokens and joins users; see MIGRATION.md, \"The server kit\".");
    } else if (usesTwilioServer && ts.isNewExpression(node) && /^(AccessToken|ChatGrant)$/.test(nameOf(ts, node.expression) ?? "")) {
      add("twilio-server", node, `\`${nameOf(ts, node.expression)}\` builds a Twilio access token, which ACS does not accept. The server kit's token endpoint (\`createServerKit\` from \`twilio-conversations-acs/server\`) issues the token \`new Client(token)\` takes; see MIGRATION.md, "The server kit".`);
    } else if (usesTwilioServer && ts.isPropertyAccessExpression(node) && node.name.text === "conversations" && ts.isPropertyAccessExpression(node.parent) && node.parent.name.text === "v1") {
      add("twilio-server", node, "A call of Twilio's Conversations REST API: on ACS the server kit and the ACS SDK (`@azure/communication-chat`) do this work; see MIGRATION.md, \"The server kit\".", node.parent);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
