// The published declarations of this entry, written by `npm run api:report`: do not edit.
/**
 * What this library does for each public member of `@twilio/conversations` 3.0.1: one row per
 * member of every exported Twilio class (taken from Twilio's `builds/lib.d.ts`, private and
 * `_`-prefixed internals left out), plus the event-emitter members Twilio's classes inherit.
 *
 * MIGRATION.md's "API support" table is generated from this file (`npm run docs:migration`), and
 * `test/conformance/capabilities.test.ts` checks the table against Twilio's typings, against our
 * classes at runtime, and that every "unsupported" or "planned" method throws or rejects
 * `UnsupportedFeatureError`. Describe what the code does today, not what it will do.
 */

/**
 * - `native`: does what Twilio's member does, through the matching ACS call (or needs no service).
 * - `emulated`: works, but built from other ACS features or with a fixed answer; `how` says what differs.
 * - `unsupported`: ACS has no such feature; methods throw or reject `UnsupportedFeatureError`.
 * - `planned`: not implemented yet, arriving with a later milestone of this library.
 */
type CapabilityStatus = "native" | "emulated" | "unsupported" | "planned";

/**
 * - `sid-parsing`: a sid read as a Twilio sid (prefix, length, regular expression).
 * - `hard-coded-sid`: a Twilio sid written into the code.
 * - `private-field`: a private or `_`-prefixed field of Twilio's classes.
 * - `instanceof-copy`: `instanceof` against an API class while the app reaches two copies of the API.
 * - `twilio-server`: Twilio's server SDK (`twilio`: REST API, `AccessToken`, `ChatGrant`).
 */
type PatternId = "sid-parsing" | "hard-coded-sid" | "private-field" | "instanceof-copy" | "twilio-server";
interface PatternFinding extends SourceLocation {
    pattern: PatternId;
    /** The code, on one line. */
    code: string;
    explanation: string;
}

/**
 * The TypeScript compiler API, loaded on demand: `typescript` is an optional peer dependency of
 * this package, needed only by `check` and `twilio-conversations-acs/migrate`, never by the client
 * or the emulator.
 */

/** `typescript` is not installed, or is a version without the compiler API this analysis uses. */
declare class TypeScriptMissingError extends Error {
    readonly name = "TypeScriptMissingError";
}

/** The folder or its project cannot be read: a bad path, an unreadable tsconfig, no source files. */
declare class ProjectError extends Error {
    readonly name = "ProjectError";
}
interface ProjectInput {
    /** The app's folder; every reported location is relative to it. */
    dir: string;
    /** A tsconfig.json or jsconfig.json (default: the folder's own, if it has one). */
    project?: string;
}

/** A `@twilio/conversations` module specifier in the app: the position of its first quote. */
interface ImportSpecifier {
    file: string;
    line: number;
    column: number;
    /** `import` (declarations, `import type`, `import()`, `import x = require()`, type imports), `export` (re-exports) or `require`. */
    kind: "import" | "export" | "require";
}
/** One file's rewrite: its text before and after. */
interface FileRewrite {
    /** Relative to the checked folder, with `/`. */
    file: string;
    path: string;
    before: string;
    after: string;
    specifiers: number;
}
/** A unified diff (no context lines) of the rewrites, as `git apply --unidiff-zero` takes it. */
declare function renderDiff(rewrites: readonly FileRewrite[]): string;
/** Computes the rewrites of `input.dir` and, unless `dryRun`, writes them. Loads `typescript`. */
declare function fixImports(input: ProjectInput & {
    dryRun?: boolean;
}): Promise<{
    rewrites: FileRewrite[];
    diff: string;
}>;

/** The version of the report's shape (JSON output); raised when a field changes meaning or goes away. */
declare const REPORT_VERSION = 1;
/** A place in the app: a path relative to the checked folder (with `/`), 1-based line and column. */
interface SourceLocation {
    file: string;
    line: number;
    column: number;
}
/** A Twilio member the app uses, its row of the capability table, and every place it is used. */
interface MemberUse {
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
interface UnresolvedUse extends SourceLocation {
    /** The code, on one line. */
    code: string;
    reason: string;
}
interface CheckReport {
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

interface CheckOptions extends ProjectInput {
    /** The typings to use where the app has neither `@twilio/conversations` nor this package installed (default: this package's). */
    fallbackTypings?: string;
}
/** Reads the app in `options.dir` and reports its uses of the Twilio API. Loads `typescript` on first use. */
declare function checkApp(options: CheckOptions): Promise<CheckReport>;
/** The levels of `--fail-on`. */
type FailOn = "unsupported" | "emulated" | "none";
/**
 * Whether the report holds a use at or above `failOn`: `unsupported` counts unsupported and
 * planned members and the patterns that break on ACS; `emulated` adds emulated members; `none`
 * never fails. Unresolved uses never fail a check.
 */
declare function failsAt(report: CheckReport, failOn: FailOn): boolean;

type ReportFormat = "text" | "markdown" | "json";
/** The summary line: files, members by status, uses, patterns, unresolved uses, imports to rewrite. */
declare function summaryLine(report: CheckReport): string;
/** The report in one of the three formats; each ends with a newline. */
declare function formatReport(report: CheckReport, format: ReportFormat): string;

export { type CapabilityStatus, type CheckOptions, type CheckReport, type FailOn, type FileRewrite, type ImportSpecifier, type MemberUse, type PatternFinding, type PatternId, ProjectError, type ProjectInput, REPORT_VERSION, type ReportFormat, type SourceLocation, TypeScriptMissingError, type UnresolvedUse, checkApp, failsAt, fixImports, formatReport, renderDiff, summaryLine };
