/**
 * The analysis behind `twilio-conversations-acs check`: every use of a Twilio Conversations member
 * in an app, found through the type checker, with its row of the capability table; the patterns
 * that break on ACS though the member exists; and the uses the checker cannot resolve.
 */
import { relative, sep } from "node:path";
import type * as TS from "typescript";
import { CAPABILITIES, CAPABILITY_GROUPS, parseMember, type Capability, type CapabilityStatus } from "../capabilities.js";
import { findPatterns, type PatternFinding } from "./patterns.js";
import { createApiProgram, readProject, type ApiModule, type ProjectInput } from "./project.js";
import { TWILIO_PRIVATE_FIELDS } from "./twilio-private.js";
import { loadTypeScript, type TypeScriptApi } from "./typescript.js";
import { importSpecifiers, type ImportSpecifier } from "./imports.js";

/** The version of the report's shape (JSON output); raised when a field changes meaning or goes away. */
export const REPORT_VERSION = 1;

/** A place in the app: a path relative to the checked folder (with `/`), 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** A Twilio member the app uses, its row of the capability table, and every place it is used. */
export interface MemberUse {
  /** The capability row: `Class.member`, `static Class.member` (also Twilio's event names), `Class.constructor`. */
  member: string;
  status: CapabilityStatus;
  /** The capability table's one sentence on how this library provides it. */
  how: string;
  /** The MIGRATION.md section to read: the row's own, or "API support: <Class>". */
  section: string;
  uses: SourceLocation[];
}

/** A place that may use the Twilio API but that the checker cannot tie to a member. */
export interface UnresolvedUse extends SourceLocation {
  /** The code, on one line. */
  code: string;
  reason: string;
}

export interface CheckReport {
  version: typeof REPORT_VERSION;
  /** The app's source files read. */
  files: number;
  summary: {
    /** Members used, by status. */
    native: number;
    emulated: number;
    unsupported: number;
    planned: number;
    /** Places the members above are used. */
    uses: number;
    patterns: number;
    unresolved: number;
    /** `@twilio/conversations` specifiers `--fix` rewrites. */
    imports: number;
  };
  /** Most severe first (unsupported, planned, emulated, native), then in the capability table's order. */
  members: MemberUse[];
  patterns: PatternFinding[];
  unresolved: UnresolvedUse[];
  imports: ImportSpecifier[];
}

export type { PatternFinding, PatternId } from "./patterns.js";
export type { ImportSpecifier } from "./imports.js";

export interface CheckOptions extends ProjectInput {
  /** The typings to use where the app has neither `@twilio/conversations` nor this package installed (default: this package's). */
  fallbackTypings?: string;
}

const STATUS_ORDER: readonly CapabilityStatus[] = ["unsupported", "planned", "emulated", "native"];
const EVENT_METHODS = new Set(["on", "once", "off", "addListener", "removeListener", "prependListener", "prependOnceListener", "onWithReplay", "onceWithReplay", "addListenerWithReplay"]);
const ROWS = new Map(CAPABILITIES.map((capability) => [capability.member, capability]));
const ROW_ORDER = new Map(CAPABILITIES.map((capability, index) => [capability.member, index]));
const EMITTER_NAMES = new Set(CAPABILITIES.map((capability) => parseMember(capability.member)).filter(({ group }) => group === "ReplayEventEmitter" || group === "EventEmitter").map(({ name }) => name));
/** Every name a Twilio member has: a property or call of another name is no Twilio member, and the checker is not asked. */
const KNOWN_NAMES = new Set([...CAPABILITIES.map((capability) => parseMember(capability.member).name), ...Object.values(TWILIO_PRIVATE_FIELDS).flat()]);
/**
 * Names distinctive enough that a call or read of them on an `any` value is worth listing as
 * unresolved: Twilio's compound member names (`sendMessage`, `friendlyName`), not `body` or `sid`.
 */
const DISTINCTIVE_NAMES = new Set(CAPABILITIES.map((capability) => parseMember(capability.member).name).filter((name) => /[A-Z]/.test(name) && !EMITTER_NAMES.has(name)));
/** A computed member name of at most this many known strings (`"typing" | "leave"`) is a use of each; more (`keyof Conversation`) is unresolved. */
const MAX_NAMES = 4;
/** Twilio exports `Paginator` as an interface; `RestPaginator` is its class and its rows. */
const GROUP_OF_EXPORT: Record<string, string> = { Paginator: "RestPaginator" };

/** A class (or interface) of the Twilio API as one copy of its typings declares it. */
export interface ApiClass {
  name: string;
  module: ApiModule;
  instance: TS.Type;
  constructorType?: TS.Type;
  emitter: boolean;
}

/** A value of an API class, or the class itself (`isStatic`). */
interface ApiHit {
  api: ApiClass;
  isStatic: boolean;
}

/** One source file's analysis context. */
export interface FileContext {
  ts: TypeScriptApi;
  checker: TS.TypeChecker;
  sourceFile: TS.SourceFile;
  /** The API classes a type's values are (or, `isStatic`, the classes a type is). */
  classesOf(type: TS.Type): ApiHit[];
  /** The copies of the API's typings the app's files import. */
  copies: ApiModule[];
  location(node: TS.Node): SourceLocation;
  code(node: TS.Node): string;
}

/** The strings a type stands for: a string literal, or a union of them (`"typing" | "leave"`); undefined for any other type. */
function literalsOf(type: TS.Type): string[] | undefined {
  const parts = type.isUnion() ? type.types : [type];
  const names = parts.map((part) => (part.isStringLiteral() ? part.value : undefined));
  return names.every((name) => name !== undefined) ? (names as string[]) : undefined;
}

function sectionOf(capability: Capability): string {
  return capability.migrationSection ?? `API support: ${parseMember(capability.member).group}`;
}

function compareLocations(a: SourceLocation, b: SourceLocation): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column;
}

/** Reads the app in `options.dir` and reports its uses of the Twilio API. Loads `typescript` on first use. */
export async function checkApp(options: CheckOptions): Promise<CheckReport> {
  return analyze(await loadTypeScript(), options);
}

/** {@link checkApp} with a TypeScript module at hand. */
export function analyze(ts: TypeScriptApi, options: CheckOptions): CheckReport {
  const project = readProject(ts, options);
  const { program, apiModules, importedCopies } = createApiProgram(ts, project, options.fallbackTypings);
  const checker = program.getTypeChecker();

  // The API's classes, from each copy of its typings the program reaches.
  const classes = new Map<TS.Symbol, ApiClass>();
  for (const module of apiModules.values()) {
    const sourceFile = program.getSourceFile(module.file);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) continue;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const name = GROUP_OF_EXPORT[exported.name] ?? exported.name;
      if (!(CAPABILITY_GROUPS as readonly string[]).includes(name)) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (classes.has(symbol) || !(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) continue;
      const instance = checker.getDeclaredTypeOfSymbol(symbol);
      const constructorType = symbol.flags & ts.SymbolFlags.Class ? checker.getTypeOfSymbol(symbol) : undefined;
      const emitter = checker.getPropertyOfType(instance, "on") !== undefined && checker.getPropertyOfType(instance, "onWithReplay") !== undefined;
      classes.set(symbol, { name, module, instance, ...(constructorType ? { constructorType } : {}), emitter });
    }
  }
  const byInstance = new Map<TS.Type, ApiClass>([...classes.values()].map((api) => [api.instance, api]));
  const byConstructor = new Map<TS.Type, ApiClass>([...classes.values()].flatMap((api) => (api.constructorType ? [[api.constructorType, api] as const] : [])));

  const hitCache = new Map<TS.Type, ApiHit[]>();
  const classesOf = (type: TS.Type, depth = 0): ApiHit[] => {
    const cached = hitCache.get(type);
    if (cached) return cached;
    let hits: ApiHit[] = [];
    if (depth < 8) {
      if (type.flags & ts.TypeFlags.TypeParameter) {
        const constraint = checker.getBaseConstraintOfType(type);
        hits = constraint && constraint !== type ? classesOf(constraint, depth + 1) : [];
      } else if (type.isUnionOrIntersection()) {
        hits = type.types.flatMap((part) => classesOf(part, depth + 1));
      } else if (type.flags & ts.TypeFlags.Object) {
        const target = (type as TS.TypeReference).target ?? type;
        const asInstance = byInstance.get(target);
        const asConstructor = byConstructor.get(type);
        if (asInstance) hits = [{ api: asInstance, isStatic: false }];
        else if (asConstructor) hits = [{ api: asConstructor, isStatic: true }];
        else if ((target as TS.InterfaceType).objectFlags & ts.ObjectFlags.ClassOrInterface) {
          // An app's own subclass or extension of an API class.
          hits = (checker.getBaseTypes(target as TS.InterfaceType) ?? []).flatMap((base) => classesOf(base, depth + 1));
        }
      }
    }
    const unique = hits.filter((hit, index) => hits.findIndex((other) => other.api === hit.api && other.isStatic === hit.isStatic) === index);
    hitCache.set(type, unique);
    return unique;
  };

  const uses = new Map<string, SourceLocation[]>();
  const unresolved: UnresolvedUse[] = [];
  const patterns: PatternFinding[] = [];
  const imports: ImportSpecifier[] = [];
  const copies = [...importedCopies].map((file) => apiModules.get(file)!);

  for (const file of project.sources) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) continue;
    const relativePath = relative(project.root, file).split(sep).join("/");
    const context: FileContext = {
      ts,
      checker,
      sourceFile,
      classesOf,
      copies,
      location(node) {
        const { line, character } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
        return { file: relativePath, line: line + 1, column: character + 1 };
      },
      code(node) {
        const text = node.getText(sourceFile).replace(/\s+/g, " ");
        return text.length > 80 ? `${text.slice(0, 77)}...` : text;
      },
    };
    const use = (capability: Capability, node: TS.Node) => {
      const list = uses.get(capability.member) ?? [];
      const at = context.location(node);
      // A value of two copies' classes at once (`Message & Message`) is one use.
      if (!list.some((other) => compareLocations(other, at) === 0)) list.push(at);
      uses.set(capability.member, list);
    };
    const privateField = (node: TS.Node, api: ApiClass, name: string) =>
      patterns.push({
        pattern: "private-field",
        ...context.location(node),
        code: context.code(node.parent),
        explanation: `\`${name}\` is not part of Twilio's public ${api.name} API (a private field of Twilio's SDK); this library's ${api.name} has no such field. Use the public members listed in MIGRATION.md, "API support: ${api.name}".`,
      });

    /** A read or call of `name` on a value of type `type`, at `node` (the member's name). */
    const member = (receiverType: TS.Type, name: string, node: TS.Node) => {
      if (receiverType.flags & ts.TypeFlags.Any) {
        if (DISTINCTIVE_NAMES.has(name)) {
          unresolved.push({ ...context.location(node), code: context.code(node.parent), reason: `the value's type is \`any\`, so \`${name}\` cannot be tied to a Twilio class` });
        }
        return;
      }
      for (const { api, isStatic } of classesOf(receiverType)) {
        const row =
          ROWS.get(`${isStatic ? "static " : ""}${api.name}.${name}`) ??
          (!isStatic && api.emitter ? (ROWS.get(`ReplayEventEmitter.${name}`) ?? ROWS.get(`EventEmitter.${name}`)) : undefined);
        if (row) {
          use(row, node);
          continue;
        }
        const property = checker.getPropertyOfType(isStatic ? api.constructorType! : api.instance, name);
        const declaration = property?.valueDeclaration ?? property?.declarations?.[0];
        const isPrivate =
          name.startsWith("_") ||
          (!isStatic && (TWILIO_PRIVATE_FIELDS[api.name] ?? []).includes(name)) ||
          (declaration !== undefined && (ts.getCombinedModifierFlags(declaration as TS.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0);
        if (isPrivate) privateField(node, api, name);
      }
    };

    /** An event name passed to `on` (and its kin) of a value of type `type`. */
    const events = (receiverType: TS.Type, argument: TS.Expression) => {
      const hits = classesOf(receiverType).filter(({ api, isStatic }) => !isStatic && api.emitter);
      if (hits.length === 0) return;
      const names = literalsOf(checker.getTypeAtLocation(argument));
      if (!names) {
        unresolved.push({ ...context.location(argument), code: context.code(argument.parent), reason: "the event name is computed, not a string the checker knows" });
        return;
      }
      for (const { api } of hits) {
        for (const name of names) {
          // Twilio's event names are constants of the class (static, or on User's instances) whose value is the name.
          const constant = (candidate: TS.Type | undefined) => {
            const property = candidate && checker.getPropertyOfType(candidate, name);
            const value = property && checker.getTypeOfSymbol(property);
            return value?.isStringLiteral() === true && value.value === name;
          };
          const row = constant(api.constructorType) ? ROWS.get(`static ${api.name}.${name}`) : constant(api.instance) ? ROWS.get(`${api.name}.${name}`) : undefined;
          if (row) use(row, argument);
          else unresolved.push({ ...context.location(argument), code: context.code(argument.parent), reason: `"${name}" is not an event of Twilio's ${api.name}` });
        }
      }
    };

    const visit = (node: TS.Node): void => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) {
        const name = node.name.text;
        if (KNOWN_NAMES.has(name) || name.startsWith("_")) {
          const receiverType = checker.getTypeAtLocation(node.expression);
          member(receiverType, name, node.name);
          if (EVENT_METHODS.has(name) && ts.isCallExpression(node.parent) && node.parent.expression === node && node.parent.arguments[0]) {
            events(receiverType, node.parent.arguments[0]);
          }
        }
      } else if (ts.isElementAccessExpression(node)) {
        const receiverType = checker.getTypeAtLocation(node.expression);
        const names = literalsOf(checker.getTypeAtLocation(node.argumentExpression));
        if (names && names.length <= MAX_NAMES) for (const name of names) member(receiverType, name, node.argumentExpression);
        else if (classesOf(receiverType).length > 0) {
          const reason = names ? `the member name is any of ${names.length} names (such as \`keyof\`), too many to list as uses` : "the member name is computed, not a string the checker knows";
          unresolved.push({ ...context.location(node.argumentExpression), code: context.code(node), reason });
        }
      } else if (ts.isObjectBindingPattern(node)) {
        let patternType: TS.Type | undefined;
        for (const element of node.elements) {
          if (element.dotDotDotToken) continue;
          const key = element.propertyName ?? element.name;
          const name = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
          if (name !== undefined && !KNOWN_NAMES.has(name) && !name.startsWith("_")) continue;
          patternType ??= checker.getTypeAtLocation(node);
          if (name !== undefined) member(patternType, name, key);
          else if (classesOf(patternType).length > 0) {
            unresolved.push({ ...context.location(key), code: context.code(element), reason: "the member name is computed, not a string the checker knows" });
          }
        }
      } else if (ts.isNewExpression(node)) {
        for (const { api, isStatic } of classesOf(checker.getTypeAtLocation(node.expression))) {
          const row = isStatic ? ROWS.get(`${api.name}.constructor`) : undefined;
          if (row) use(row, node);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    patterns.push(...findPatterns(context));
    imports.push(...importSpecifiers(ts, sourceFile, relativePath));
  }

  const members: MemberUse[] = [...uses]
    .map(([name, locations]) => {
      const capability = ROWS.get(name)!;
      return { member: name, status: capability.status, how: capability.how, section: sectionOf(capability), uses: locations.sort(compareLocations) };
    })
    .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || ROW_ORDER.get(a.member)! - ROW_ORDER.get(b.member)!);
  const count = (status: CapabilityStatus) => members.filter((entry) => entry.status === status).length;
  patterns.sort((a, b) => compareLocations(a, b) || (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
  unresolved.sort(compareLocations);
  imports.sort(compareLocations);
  return {
    version: REPORT_VERSION,
    files: project.sources.length,
    summary: {
      native: count("native"),
      emulated: count("emulated"),
      unsupported: count("unsupported"),
      planned: count("planned"),
      uses: members.reduce((total, entry) => total + entry.uses.length, 0),
      patterns: patterns.length,
      unresolved: unresolved.length,
      imports: imports.length,
    },
    members,
    patterns,
    unresolved,
    imports,
  };
}

/** The levels of `--fail-on`. */
export type FailOn = "unsupported" | "emulated" | "none";

/**
 * Whether the report holds a use at or above `failOn`: `unsupported` counts unsupported and
 * planned members and the patterns that break on ACS; `emulated` adds emulated members; `none`
 * never fails. Unresolved uses never fail a check.
 */
export function failsAt(report: CheckReport, failOn: FailOn): boolean {
  if (failOn === "none") return false;
  const severe = report.summary.unsupported + report.summary.planned + report.summary.patterns > 0;
  return failOn === "unsupported" ? severe : severe || report.summary.emulated > 0;
}
