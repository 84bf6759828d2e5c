import { AcsRequestError } from "../errors.js";

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * ACS failures as our typed error, keeping ACS's status and code. Tolerates both error bodies the
 * service has been seen to send (`{error:{code,message}}` and PascalCase `CommunicationError`).
 */
export function toAcsRequestError(operation: string, error: unknown): AcsRequestError {
  if (error instanceof AcsRequestError) return error;
  const rest = (error ?? {}) as RestErrorLike;
  let code = rest.code;
  let message = rest.message ?? String(error);
  if (!code && message.includes("CommunicationError")) {
    try {
      const body = JSON.parse(message) as { CommunicationError?: { Code?: string; Message?: string } };
      code = body.CommunicationError?.Code;
      message = body.CommunicationError?.Message ?? message;
    } catch {
      // not JSON: keep the message as it is
    }
  }
  const status = rest.statusCode !== undefined ? ` (${rest.statusCode}${code ? ` ${code}` : ""})` : "";
  return new AcsRequestError(`${operation} failed${status}: ${message}`, rest.statusCode, code, { cause: error });
}

/** Runs one ACS call, turning its failure into an AcsRequestError. */
export async function acsCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAcsRequestError(operation, error);
  }
}
