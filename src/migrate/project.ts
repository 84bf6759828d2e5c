/**
 * The app to check: its source files and compiler options (from its tsconfig.json or
 * jsconfig.json, or defaults fit for JavaScript), and a program whose module resolution knows
 * where the Twilio API's typings are.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type * as TS from "typescript";
import type { TypeScriptApi } from "./typescript.js";

/** The folder or its project cannot be read: a bad path, an unreadable tsconfig, no source files. */
export class ProjectError extends Error {
  override readonly name = "ProjectError";
}

/** The module names whose exports are the Twilio Conversations API (Twilio's SDK, or this package). */
export const API_MODULES = ["@twilio/conversations", "twilio-conversations-acs"] as const;
const OWN_NAME = "twilio-conversations-acs";

const SOURCE_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);
/** Folders the scan of an app without a tsconfig passes over: dependencies and build output. */
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "build", "out", "coverage", "bower_components", "jspm_packages"]);

export interface ProjectInput {
  /** The app's folder; every reported location is relative to it. */
  dir: string;
  /** A tsconfig.json or jsconfig.json (default: the folder's own, if it has one). */
  project?: string;
}

export interface LoadedProject {
  root: string;
  /** The config file used, if any. */
  configFile?: string;
  /** Every file of the program's roots (declaration files included). */
  rootNames: string[];
  /** The app's own source files, the ones reported on: absolute, sorted. */
  sources: string[];
  options: TS.CompilerOptions;
}

function isSource(file: string): boolean {
  return SOURCE_EXTENSIONS.has(extname(file)) && !/\.d\.[cm]?ts$/.test(file);
}

function isInside(root: string, file: string): boolean {
  const path = relative(root, file);
  return path !== "" && !path.startsWith("..") && !path.split(sep).includes("node_modules");
}

function scan(folder: string, found: string[]): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) scan(path, found);
    } else if (entry.isFile() && (isSource(path) || /\.d\.[cm]?ts$/.test(path))) {
      found.push(path);
    }
  }
}

function diagnosticText(ts: TypeScriptApi, diagnostics: readonly TS.Diagnostic[]): string {
  return diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")).join("\n");
}

/** Compiler options for an app without a config: JavaScript and TypeScript, ESM and CommonJS, JSX, bundler-style imports. */
function defaultOptions(ts: TypeScriptApi): TS.CompilerOptions {
  return {
    allowJs: true,
    checkJs: true,
    jsx: ts.JsxEmit.Preserve,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
  };
}

/**
 * A config's files and options. A solution-style config (`"files": []` and `references`, as Vite's
 * templates write) stands for its references: their files together, with the options of the first
 * that has any files.
 */
function parseConfig(ts: TypeScriptApi, configFile: string, depth: number): { fileNames: string[]; options: TS.CompilerOptions } {
  const read = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  if (read.error) throw new ProjectError(`${configFile}: ${diagnosticText(ts, [read.error])}`);
  // A jsconfig.json means JavaScript, as in editors.
  const existing: TS.CompilerOptions = configFile.endsWith("jsconfig.json") ? { allowJs: true, checkJs: true } : {};
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configFile), existing, configFile);
  const references = depth < 4 ? (parsed.projectReferences ?? []) : [];
  // "No inputs were found" is no error for a config whose references hold the files.
  const errors = parsed.errors.filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error && !(diagnostic.code === 18003 && references.length > 0));
  if (errors.length > 0) throw new ProjectError(`${configFile}: ${diagnosticText(ts, errors)}`);
  const fileNames = parsed.fileNames.map((file) => resolve(file));
  if (fileNames.length > 0 || references.length === 0) return { fileNames, options: parsed.options };
  const referenced = references.map((reference) => parseConfig(ts, ts.resolveProjectReferencePath(reference), depth + 1));
  return {
    fileNames: referenced.flatMap((config) => config.fileNames),
    options: (referenced.find((config) => config.fileNames.length > 0) ?? referenced[0]!).options,
  };
}

/** Reads the app's folder and config. Throws {@link ProjectError} when they cannot be read. */
export function readProject(ts: TypeScriptApi, input: ProjectInput): LoadedProject {
  const root = resolve(input.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ProjectError(`${input.dir} is not a folder`);
  let configFile: string | undefined;
  if (input.project !== undefined) {
    configFile = resolve(input.project);
    if (!existsSync(configFile) || !statSync(configFile).isFile()) throw new ProjectError(`--project ${input.project}: no such file`);
  } else {
    configFile = ["tsconfig.json", "jsconfig.json"].map((name) => join(root, name)).find((path) => existsSync(path));
  }

  let rootNames: string[];
  let options: TS.CompilerOptions;
  if (configFile) {
    const parsed = parseConfig(ts, configFile, 0);
    rootNames = [...new Set(parsed.fileNames)];
    options = { ...parsed.options, noEmit: true, skipLibCheck: true };
    delete options.incremental;
    delete options.composite;
  } else {
    rootNames = [];
    try {
      scan(root, rootNames);
    } catch (error) {
      throw new ProjectError(`${input.dir} cannot be read: ${(error as Error).message}`);
    }
    options = defaultOptions(ts);
  }
  const sources = rootNames.filter((file) => isSource(file) && isInside(root, file)).sort();
  if (sources.length === 0) {
    throw new ProjectError(`no JavaScript or TypeScript files (${[...SOURCE_EXTENSIONS].join(", ")}) in ${input.dir}${configFile ? ` for ${configFile}` : ""}`);
  }
  return { root, ...(configFile ? { configFile } : {}), rootNames: rootNames.sort(), sources, options };
}

/**
 * This package's own typings, for apps that have neither `@twilio/conversations` nor this package
 * installed where the checker looks: `src/index.ts` in a checkout of this repository, else the
 * published `dist/index.d.ts`. Both declare Twilio's classes with Twilio's names and members.
 */
export function ownTypings(): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === OWN_NAME) {
          return [join(folder, "src", "index.ts"), join(folder, "dist", "index.d.ts")].find((file) => existsSync(file));
        }
      } catch {
        // not ours; look further up
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** Where a module name resolved to the Twilio API. */
export interface ApiModule {
  /** The resolved typings file. */
  file: string;
  /** How the report names this copy of the API. */
  label: string;
}

export interface ApiProgram {
  program: TS.Program;
  /** Every typings file through which the app reaches the Twilio API, by file. */
  apiModules: Map<string, ApiModule>;
  /** The API files the app's own files import (two or more: objects of one copy fail `instanceof` of another). */
  importedCopies: Set<string>;
}

function packageLabel(file: string): string | undefined {
  const normalized = file.split(sep).join("/");
  const at = normalized.lastIndexOf("/node_modules/");
  if (at < 0) return undefined;
  const path = normalized.slice(at + "/node_modules/".length);
  const name = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!;
  return (API_MODULES as readonly string[]).includes(name) ? `${name} (${path.slice(name.length + 1)})` : undefined;
}

/**
 * The program of the app. `@twilio/conversations` and `twilio-conversations-acs` resolve as the
 * app resolves them (node_modules, `paths`); where neither is installed they resolve to
 * {@link ownTypings}, so an app whose imports a bundler alias maps is still understood.
 */
export function createApiProgram(ts: TypeScriptApi, project: LoadedProject, fallback = ownTypings()): ApiProgram {
  const { options } = project;
  const host = ts.createCompilerHost(options, true);
  const cache = ts.createModuleResolutionCache(project.root, (name) => (ts.sys.useCaseSensitiveFileNames ? name : name.toLowerCase()), options);
  const apiModules = new Map<string, ApiModule>();
  const importedCopies = new Set<string>();
  const sources = new Set(project.sources);
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, containingSourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, compilerOptions);
      let resolution = ts.resolveModuleName(literal.text, containingFile, compilerOptions, host, cache, redirectedReference, mode);
      const named = (API_MODULES as readonly string[]).includes(literal.text);
      if (named && !resolution.resolvedModule && fallback) {
        const extension = fallback.endsWith(".d.ts") ? ts.Extension.Dts : ts.Extension.Ts;
        resolution = { resolvedModule: { resolvedFileName: fallback, extension, isExternalLibraryImport: extension === ts.Extension.Dts } };
      }
      const file = resolution.resolvedModule?.resolvedFileName;
      if (file) {
        const label = packageLabel(file) ?? (file === fallback ? `${OWN_NAME} (the typings of this check)` : named ? literal.text : undefined);
        if (label !== undefined) {
          if (!apiModules.has(file)) apiModules.set(file, { file, label });
          if (sources.has(resolve(containingFile))) importedCopies.add(file);
        }
      }
      return resolution;
    });
  const program = ts.createProgram({ rootNames: project.rootNames, options, host });
  return { program, apiModules, importedCopies };
}
