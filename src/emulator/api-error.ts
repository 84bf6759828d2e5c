/**
 * An error answered to the client in ACS's documented shape:
 * `{ "error": { "code", "message", "target"? } }`. The real SDK turns this body into a
 * `RestError` whose `code` and `message` come from it, so codes here are the service's own.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): { error: { code: string; message: string; target?: string } } {
    return {
      error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) },
    };
  }
}

export const badRequest = (message: string, target?: string): ApiError =>
  new ApiError(400, "BadRequest", message, target);
export const unauthorized = (message: string): ApiError => new ApiError(401, "Unauthorized", message);
export const forbidden = (message: string): ApiError => new ApiError(403, "Forbidden", message);
export const notFound = (message: string): ApiError => new ApiError(404, "NotFound", message);
