import type { CommunicationTokenCredential } from "@azure/communication-common";
import { readAcsTokenClaims } from "../mapping/client-token.js";

type AccessToken = Awaited<ReturnType<CommunicationTokenCredential["getToken"]>>;

/**
 * The credential our ChatClient uses: it hands out whatever token the app gave last, so
 * `updateToken()` takes effect on the next request without rebuilding any client.
 */
export class SwappableTokenCredential implements CommunicationTokenCredential {
  private current: AccessToken;
  private disposed = false;

  constructor(token: string) {
    this.current = toAccessToken(token);
  }

  update(token: string): void {
    this.current = toAccessToken(token);
  }

  get expiresOnTimestamp(): number {
    return this.current.expiresOnTimestamp;
  }

  async getToken(): Promise<AccessToken> {
    if (this.disposed) throw new Error("The client was shut down.");
    return this.current;
  }

  dispose(): void {
    this.disposed = true;
  }
}

function toAccessToken(token: string): AccessToken {
  const { exp } = readAcsTokenClaims(token);
  return { token, expiresOnTimestamp: exp !== undefined ? exp * 1000 : Number.MAX_SAFE_INTEGER };
}
