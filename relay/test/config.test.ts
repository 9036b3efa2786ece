import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const home = { PASSERELLE_HOME: "/nonexistent/passerelle-home" };

describe("relay settings", () => {
  it("starts with the documented defaults", () => {
    const config = loadConfig([], home);
    expect(config.port).toBe(8787);
    expect(config.host).toBeUndefined();
    expect(config.upstream.href).toBe("https://api.openai.com/v1");
    expect(config.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 600_000, idleMs: 300_000 });
    expect(config.insecureHttp).toBe(false);
    expect(config.verbose).toBe(false);
  });

  it("takes environment variables, and flags over them", () => {
    const env = { ...home, PASSERELLE_PORT: "9000", PASSERELLE_UPSTREAM: "http://127.0.0.1:11434/v1/" };
    expect(loadConfig([], env).port).toBe(9000);
    expect(loadConfig([], env).upstream.href).toBe("http://127.0.0.1:11434/v1");
    expect(loadConfig(["--port", "9100"], env).port).toBe(9100);
    expect(loadConfig(["--idle-timeout", "2.5"], env).timeouts.idleMs).toBe(2500);
  });

  it("keeps an upstream's path and query (Azure OpenAI, gateways)", () => {
    const azure = "https://example-resource.openai.azure.com/openai/v1/?api-version=preview";
    const { upstream } = loadConfig(["--upstream", azure], home);
    expect(upstream.pathname).toBe("/openai/v1");
    expect(upstream.search).toBe("?api-version=preview");
  });

  it("keeps one upstream connection ready unless told not to", () => {
    expect(loadConfig([], home).upstreamConnection).toEqual({ keepAliveMs: 30_000, standby: true });
    const set = loadConfig(["--upstream-keep-alive", "90", "--no-standby"], home).upstreamConnection;
    expect(set).toEqual({ keepAliveMs: 90_000, standby: false });
    expect(loadConfig([], { ...home, PASSERELLE_STANDBY: "0" }).upstreamConnection.standby).toBe(false);
  });

  it("turns each switch on by its flag or its environment variable", () => {
    const off = loadConfig([], home);
    expect([off.verbose, off.mdns, off.upstreamConnection.standby, off.insecureHttp]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    const flags = loadConfig(["--verbose", "--no-mdns", "--no-standby", "--insecure-http"], home);
    expect([flags.verbose, flags.mdns, flags.upstreamConnection.standby, flags.insecureHttp]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    const env = { ...home, PASSERELLE_VERBOSE: "1", PASSERELLE_MDNS: "0", PASSERELLE_STANDBY: "0" };
    const fromEnv = loadConfig([], env);
    expect([fromEnv.verbose, fromEnv.mdns, fromEnv.upstreamConnection.standby]).toEqual([true, false, false]);
    // Only the value that means "on" turns a switch on.
    expect(loadConfig([], { ...home, PASSERELLE_VERBOSE: "0", PASSERELLE_MDNS: "1" })).toMatchObject({
      verbose: false,
      mdns: true,
    });
  });

  it("serves plain HTTP on loopback only, however the loopback host is written", () => {
    expect(loadConfig(["--insecure-http"], home).host).toBe("127.0.0.1");
    for (const host of ["localhost", "LOCALHOST", "Localhost", "127.0.0.2", "::1"]) {
      expect(loadConfig(["--insecure-http", "--host", host], home).host).toBe(host);
    }
    expect(() => loadConfig(["--insecure-http", "--host", "192.168.1.20"], home)).toThrow(/loopback only/);
    expect(loadConfig(["--insecure-http", "--force-insecure-http", "--host", "192.168.1.20"], home).host).toBe(
      "192.168.1.20",
    );
  });

  it.each([
    [["--port", "http"], /^--port: "http" is not a port number/],
    [["--port", "70000"], /^--port: "70000"/],
    [["--upstream", "api.openai.com"], /^--upstream: "api.openai.com" is not a URL/],
    [["--upstream", "ftp://example.test/v1"], /^--upstream: .* must start with https:\/\/ or http:\/\//],
    [["--upstream", "https://user:pw@example.test/v1"], /without credentials/],
    [["--connect-timeout", "0"], /^--connect-timeout: "0" is not a number of seconds/],
    [["--connect-timeout=-1"], /^--connect-timeout: "-1" is not a number of seconds/],
    [["--host", "bad host!"], /^--host: "bad host!" is not a host name/],
    [["--verbos"], /^Unknown option '--verbos'\. --help lists the options\.$/],
  ])("refuses %j with one line naming the setting", (argv, message) => {
    let error: unknown;
    try {
      loadConfig(argv, home);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("names the environment variable when the bad value came from it", () => {
    expect(() => loadConfig([], { ...home, PASSERELLE_PORT: "eighty" })).toThrow(/^PASSERELLE_PORT: "eighty"/);
  });
});
