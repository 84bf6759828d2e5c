/** Faults a test can ask the emulator to inject into its next matching requests. */
export type Fault =
  /** Answer this status (429 and 503 are the ones the SDK retries) with ACS's error body. */
  | { kind: "status"; status: number; retryAfterSeconds?: number }
  /** Wait, then handle the request normally. */
  | { kind: "delay"; delayInMs: number }
  /** Close the connection without answering; a realtime notification is not delivered. */
  | { kind: "drop" }
  /** Handle the request, then close the connection without answering: the change is made, the answer lost. */
  | { kind: "dropAnswer" }
  /**
   * Realtime notifications: cut the recipient's realtime sockets instead of delivering (the
   * notification is lost, the SDK reconnects). Requests: as `drop`.
   */
  | { kind: "disconnect" };

/**
 * Requests are matched by method and path. Realtime notifications are matched as method `NOTIFY`
 * and path `/realtime/<event name>/<recipient's ACS user id>` (`/realtime/chatMessageReceived/8:acs:...`):
 * `drop` loses the notification, `delay` holds it back, `disconnect` cuts the recipient's sockets.
 */
export interface FaultRule {
  /** HTTP method to match (`NOTIFY` for realtime notifications); any when omitted. */
  method?: string;
  /**
   * Path to match, after percent-decoding and without the query: a string matches that path and
   * everything below it; a RegExp is tested against the path. Any path when omitted.
   */
  path?: string | RegExp;
  /** How many matching requests get the fault (default 1). */
  count?: number;
  fault: Fault;
}

export interface FaultHandle {
  /** Matching requests still to be faulted. */
  readonly remaining: number;
  /** Requests this rule has faulted so far. */
  readonly triggered: number;
  cancel(): void;
}

interface ActiveRule extends FaultRule {
  remaining: number;
  triggered: number;
}

export class FaultController {
  private readonly rules: ActiveRule[] = [];

  inject(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { ...rule, remaining: rule.count ?? 1, triggered: 0 };
    this.rules.push(active);
    const remove = () => {
      const index = this.rules.indexOf(active);
      if (index >= 0) this.rules.splice(index, 1);
    };
    return {
      get remaining() {
        return active.remaining;
      },
      get triggered() {
        return active.triggered;
      },
      cancel() {
        active.remaining = 0;
        remove();
      },
    };
  }

  /** Shorthand: the next `count` matching requests answer 429 with `Retry-After`. */
  throttle(rule: Omit<FaultRule, "fault"> & { retryAfterSeconds?: number }): FaultHandle {
    return this.inject({ ...rule, fault: { kind: "status", status: 429, retryAfterSeconds: rule.retryAfterSeconds ?? 1 } });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** @internal Takes one use of the first rule matching the request. */
  take(method: string, path: string): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r, method, path));
    if (!rule) return undefined;
    rule.remaining--;
    rule.triggered++;
    if (rule.remaining === 0) this.rules.splice(this.rules.indexOf(rule), 1);
    return rule.fault;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === "string") return path === rule.path || path.startsWith(rule.path.replace(/\/$/, "") + "/");
  return rule.path.test(path);
}
