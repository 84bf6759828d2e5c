/**
 * The TypeScript compiler API, loaded on demand: `typescript` is an optional peer dependency of
 * this package, needed only by `check` and `twilio-conversations-acs/migrate`, never by the client
 * or the emulator.
 */
import type ts from "typescript";

/** The module's exports, as `import ts from "typescript"` has them. */
export type TypeScriptApi = typeof ts;

/** `typescript` is not installed, or is a version without the compiler API this analysis uses. */
export class TypeScriptMissingError extends Error {
  override readonly name = "TypeScriptMissingError";
}

const INSTALL = "Install it next to this package: npm install --save-dev typescript@^5.9";

/** The `typescript` package (5.x or later with the JavaScript compiler API). */
export async function loadTypeScript(): Promise<TypeScriptApi> {
  let loaded: unknown;
  try {
    loaded = await import("typescript");
  } catch {
    throw new TypeScriptMissingError(`This check reads your code with the TypeScript compiler API, and the \`typescript\` package is not installed. ${INSTALL}`);
  }
  const api = ((loaded as { default?: TypeScriptApi }).default ?? loaded) as TypeScriptApi;
  const major = Number(String(api.version ?? "").split(".")[0]);
  if (typeof api.createProgram !== "function" || !(major >= 5)) {
    throw new TypeScriptMissingError(
      `This check needs the compiler API of TypeScript 5.x; the installed \`typescript\` is ${api.version ?? "of unknown version"} and has none (TypeScript 7's native compiler has no such API). ${INSTALL}`,
    );
  }
  return api;
}
