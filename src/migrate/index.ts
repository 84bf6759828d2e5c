/**
 * `twilio-conversations-acs/migrate`, Node only: the analysis behind `npx twilio-conversations-acs
 * check`, for teams that wire it into their own tooling. It needs the `typescript` package (an
 * optional peer dependency), loaded on first use.
 *
 * ```ts
 * import { checkApp, formatReport, failsAt } from "twilio-conversations-acs/migrate";
 * const report = await checkApp({ dir: "apps/web" });
 * console.log(formatReport(report, "markdown"));
 * if (failsAt(report, "unsupported")) process.exitCode = 1;
 * ```
 */
export {
  checkApp,
  failsAt,
  REPORT_VERSION,
  type CheckOptions,
  type CheckReport,
  type FailOn,
  type ImportSpecifier,
  type MemberUse,
  type PatternFinding,
  type PatternId,
  type SourceLocation,
  type UnresolvedUse,
} from "./analyze.js";
export { fixImports, renderDiff, type FileRewrite } from "./imports.js";
export { formatReport, summaryLine, type ReportFormat } from "./render.js";
export { ProjectError, type ProjectInput } from "./project.js";
export { TypeScriptMissingError } from "./typescript.js";
export type { CapabilityStatus } from "../capabilities.js";
