import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startBanner } from "../../src/console/banner.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";

let relay: RelayUnderTest;
beforeAll(async () => {
  relay = await startRelayUnderTest("http://127.0.0.1:9/v1");
});
afterAll(() => relay.relay.stop(100));

describe("what the relay prints at start", () => {
  it("gives its id, its addresses and the next step", () => {
    const config = loadConfig([], { PASSERELLE_HOME: relay.home });
    const lines = startBanner(config, relay.relay, ["192.168.1.20"]).join("\n");
    expect(lines).toContain(`Relay id ${relay.relay.security.identity.relayId}`);
    expect(lines).toContain(`192.168.1.20:${relay.relay.port}`);
    expect(lines).toMatch(/1 paired device.*press p here or run `npx passerelle pair`/);
    expect(lines).not.toContain("WARNING");
  });

  it("warns about plain HTTP and says when the PC has no address", () => {
    const config = loadConfig(["--insecure-http"], { PASSERELLE_HOME: relay.home });
    const lines = startBanner(config, relay.relay, []).join("\n");
    expect(lines).toMatch(/^WARNING: plain HTTP/);
    expect(lines).toContain("no network address yet");
    // It needs no restart: the addresses appear in the window as the PC joins the network.
    expect(lines).toContain("appear here as soon as it has one");
    expect(lines).not.toContain("restart");
  });
});
