import type { CommunicationTokenCredential } from "@azure/communication-common";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { readAcsTokenClaims } from "../mapping/client-token.js";

type AccessToken = Awaited<ReturnType<CommunicationTokenCredential["getToken"]>>;

/**
 * The credential our ChatClient uses: it hands out whatever token the app gave last, so
 * `updateToken()` takes effect on the next request without rebuilding any client.
 */
export class SwappableTokenCredential implements CommunicationTokenCredential {
  #current: AccessToken;
  #disposed = false;

  constructor(token: string) {
    this.#current = toAccessToken(token);
  }

  update(token: string): void {
    this.#current = toAccessToken(token);
  }

  get expiresOnTimestamp(): number {
    return this.#current.expiresOnTimestamp;
  }

  /** The token to send now: the pipeline policy below puts it on every request. */
  get token(): string {
    return this.#current.token;
  }

  async getToken(): Promise<AccessToken> {
    if (this.#disposed) throw new Error("The client was shut down.");
    return this.#current;
  }

  dispose(): void {
    this.#disposed = true;
  }
}

function toAccessToken(token: string): AccessToken {
  const { exp } = readAcsTokenClaims(token);
  return { token, expiresOnTimestamp: exp !== undefined ? exp * 1000 : Number.MAX_SAFE_INTEGER };
}

/**
 * The SDK's bearer policy caches a token until two minutes before its expiry, so a token swapped
 * by `updateToken()` (after a revocation, say) would not be used until then. This policy runs on
 * every attempt, after the bearer policy, and sends the credential's current token.
 */
export function currentTokenPolicy(credential: SwappableTokenCredential): { policy: PipelinePolicy; position: "perRetry" } {
  return {
    policy: {
      name: "twilioConversationsAcsCurrentToken",
      sendRequest: (request, next) => {
        request.headers.set("authorization", `Bearer ${credential.token}`);
        return next(request);
      },
    },
    position: "perRetry",
  };
}
