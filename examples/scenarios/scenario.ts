/**
 * What every side-by-side scenario gets. Each scenario folder holds `twilio.ts` (the app code as
 * written for `@twilio/conversations`, run on this library through a module alias) and `acs.ts`
 * (the same job written natively on `@azure/communication-chat`). Both report what they observed
 * in the same words; the runner prints them side by side and fails when they disagree.
 */
export interface ScenarioContext {
  /** A token from the server kit for an identity: what a Twilio app's token endpoint returns. */
  token(identity: string): Promise<string>;
  /** For the native side: the ACS resource, and an ACS user id and token per identity (the same users). */
  acs: {
    endpoint: string;
    user(identity: string): Promise<{ userId: string; token: string }>;
  };
  /** Records one observation; both sides of a scenario must record the same lines. */
  observe(line: string): void;
  /** A suffix that keeps this run's names (unique names, identities) apart from other runs. */
  unique: string;
}

export type ScenarioRun = (context: ScenarioContext) => Promise<void>;

/** Waits for a condition the event stream makes true (an app would re-render instead). */
export async function until(condition: () => boolean, timeoutInMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutInMs) throw new Error("timed out waiting for an event");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
