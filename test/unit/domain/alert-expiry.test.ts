// AlertEvent.expiresInSeconds through the state machine: a trigger sets the deadline for its next
// confirmation, a repeat moves it, an acknowledgement keeps it, a resolve or a plain trigger clears it.
import { describe, expect, it } from "vitest";
import { API, acknowledge, resolve, scenario, T, trigger } from "./helpers";

describe("alert expiry", () => {
  it("is set by a trigger, moved by the next, kept by an acknowledgement, cleared by a resolve", () => {
    const s = scenario([API]);
    s.apply([trigger("kuma", 0, { expiresInSeconds: 600 })]);
    expect(s.alertByKey("kuma").expiresAt).toBe(new Date(T(0).getTime() + 600_000).toISOString());
    s.apply([trigger("kuma", 5, { expiresInSeconds: 600 })]);
    expect(s.alertByKey("kuma").expiresAt).toBe(new Date(T(5).getTime() + 600_000).toISOString());
    s.apply([acknowledge("kuma", 6)]);
    expect(s.alertByKey("kuma").expiresAt).toBe(new Date(T(5).getTime() + 600_000).toISOString());
    s.apply([resolve("kuma", 7)]);
    expect(s.alertByKey("kuma").expiresAt).toBeNull();
  });

  it("a trigger without one clears it", () => {
    const s = scenario([API]);
    s.apply([trigger("kuma", 0, { expiresInSeconds: 600 }), trigger("kuma", 1)]);
    expect(s.alertByKey("kuma").expiresAt).toBeNull();
  });
});
