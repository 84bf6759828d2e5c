/**
 * Users: ACS has no user profiles, so `friendlyName` and `attributes` come from the identity
 * resolver when it keeps profiles (the server kit's directory will), and updating them without
 * one is a typed UnsupportedFeatureError rather than a change that silently goes nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, User, UnsupportedFeatureError, type UserProfile } from "../../src/index.js";
import { rejection } from "../helpers/acs.js";
import { startTarget, type Target } from "../helpers/target.js";
import { createSession, initialized, TestDirectory, type TestSession } from "../helpers/twilio-clients.js";

/** A directory that also keeps profiles, as the server kit's will. */
class ProfileDirectory extends TestDirectory {
  readonly profiles = new Map<string, UserProfile>();
  async getProfile(identity: string) {
    return this.profiles.get(identity);
  }
  async updateProfile(identity: string, changes: Partial<UserProfile>) {
    const next = { friendlyName: null, attributes: {}, ...this.profiles.get(identity), ...changes };
    this.profiles.set(identity, next);
    return next;
  }
}

let emulator: Target;
const directory = new ProfileDirectory();
let alice: TestSession;

beforeAll(async () => {
  emulator = await startTarget();
  alice = await createSession(emulator, "alice", directory);
  await createSession(emulator, "bob", directory);
  directory.profiles.set("bob", { friendlyName: "Bob B.", attributes: { team: "blue" } });
});
afterAll(() => emulator.close());

describe("User", () => {
  it("gets a user by identity with the profile the directory keeps, subscribed once", async () => {
    const client = alice.client();
    await initialized(client);
    const subscribed: User[] = [];
    client.on("userSubscribed", (user) => subscribed.push(user));
    // Two screens asking at once get one User, subscribed once.
    const [bob, same] = await Promise.all([client.getUser("bob"), client.getUser("bob")]);
    expect(same).toBe(bob);
    expect(bob).toBeInstanceOf(User);
    expect([bob.identity, bob.friendlyName, bob.attributes, bob.isOnline, bob.isNotifiable, bob.isSubscribed]).toEqual(["bob", "Bob B.", { team: "blue" }, null, null, true]);
    expect(await client.getUser("bob")).toBe(bob);
    expect(subscribed).toEqual([bob]);
    expect((await client.getSubscribedUsers()).map((u) => u.identity).sort()).toEqual(["alice", "bob"]);
    expect(client.reachabilityEnabled).toBe(false);
    await client.shutdown();
  });

  it("reads the user's own profile at start-up", async () => {
    const dana = await createSession(emulator, "dana", directory);
    directory.profiles.set("dana", { friendlyName: "Dana D.", attributes: { lang: "fr" } });
    const client = dana.client();
    await initialized(client);
    expect([client.user.friendlyName, client.user.attributes]).toEqual(["Dana D.", { lang: "fr" }]);
    await client.shutdown();
  });

  it("updates friendlyName and attributes through the directory, with Twilio's update reasons", async () => {
    const client = alice.client();
    await initialized(client);
    const reasons: string[][] = [];
    client.user.on("updated", ({ updateReasons }) => reasons.push(updateReasons));
    await client.user.updateFriendlyName("Alice A.");
    await client.user.updateAttributes({ avatar: "a.png" });
    expect([client.user.friendlyName, client.user.attributes]).toEqual(["Alice A.", { avatar: "a.png" }]);
    expect(reasons).toEqual([["friendlyName"], ["attributes"]]);
    expect(directory.profiles.get("alice")).toEqual({ friendlyName: "Alice A.", attributes: { avatar: "a.png" } });
    await client.shutdown();
  });

  it("rejects an unknown identity with NotFoundError, and unsubscribes users", async () => {
    const client = alice.client();
    await initialized(client);
    expect(await rejection(client.getUser("nobody"))).toBeInstanceOf(NotFoundError);
    const bob = await client.getUser("bob");
    const unsubscribed: User[] = [];
    client.on("userUnsubscribed", (user) => unsubscribed.push(user));
    await bob.unsubscribe();
    expect(bob.isSubscribed).toBe(false);
    expect(unsubscribed).toEqual([bob]);
    expect((await client.getSubscribedUsers()).map((u) => u.identity)).toEqual(["alice"]);
    await client.shutdown();
  });

  it("refuses profile updates with UnsupportedFeatureError when no directory keeps profiles", async () => {
    const plain = new TestDirectory();
    const carol = await createSession(emulator, "carol", plain);
    const client = carol.client();
    await initialized(client);
    const error = await rejection(client.user.updateFriendlyName("Carol"));
    expect(error).toBeInstanceOf(UnsupportedFeatureError);
    expect((error as UnsupportedFeatureError).migrationSection).toBe("Users and profiles");
    expect(client.user.friendlyName).toBeNull();
    await client.shutdown();
  });
});
