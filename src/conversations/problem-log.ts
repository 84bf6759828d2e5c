import type { ReportProblem } from "../mapping/foreign-data.js";
import type { ClientOptions } from "./types.js";

const PREFIX = "twilio-conversations-acs:";

/**
 * Reports problems with data others wrote into ACS to the app's logger; by default to
 * console.warn, once per kind: developers learn of it, a hostile participant cannot flood every
 * client's console. A logger that throws does not break the read it reports on.
 */
export function problemReporter(logger: ClientOptions["logger"]): ReportProblem {
  if (logger) {
    return (problem) => {
      try {
        logger.warn(`${PREFIX} ${problem.message}`, problem);
      } catch {
        // the app's logger failed: the data is delivered regardless
      }
    };
  }
  const logged = new Set<string>();
  return (problem) => {
    if (logged.has(problem.kind)) return;
    logged.add(problem.kind);
    console.warn(`${PREFIX} ${problem.message} (once per kind: see options.logger)`, problem.details ?? "");
  };
}
