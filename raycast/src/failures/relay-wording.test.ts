import { describe, expect, it } from "vitest";
// The relay's own list of the codes it sends: the contract this file holds the extension to.
import { RELAY_ERROR_CODES } from "../../../relay/src/errors";
import { RELAY_FAILURES, relayWording } from "./relay-wording";

describe("relayWording", () => {
  it("has words for every code the relay sends, and for no code it does not", () => {
    const missing = RELAY_ERROR_CODES.filter((code) => !RELAY_FAILURES[code]);
    expect(missing, "relay codes without wording in RELAY_FAILURES").toEqual([]);
    const stale = Object.keys(RELAY_FAILURES).filter(
      (code) => !(RELAY_ERROR_CODES as readonly string[]).includes(code),
    );
    expect(stale, "wording for codes the relay never sends").toEqual([]);
  });

  it("adds the wait to a busy or pausing relay's words, and passes on a code it does not know", () => {
    const busy = relayWording({ kind: "relay", code: "relay_busy", retryAfter: 4.2, model: "This model" });
    expect(busy.message).toBe(`${RELAY_FAILURES.relay_busy.message} Try again in 5 s.`);
    const newer = relayWording({ kind: "relay", code: "from_a_newer_relay", message: "402 sk-proj-abc", model: "" });
    expect(newer).toEqual({ title: "The relay failed", message: "402 sk-…" });
  });
});
