import { describe, expect, it } from "vitest";
import { RelayAddressError } from "../failures/errors";
import { parseRelayAddress } from "./address";

describe("parseRelayAddress", () => {
  it.each([
    ["192.168.1.20:8787", "http://192.168.1.20:8787/v1"],
    ["192.168.1.20", "http://192.168.1.20:8787/v1"],
    ["  my-pc.local  ", "http://my-pc.local:8787/v1"],
    ["my-pc.local:9000", "http://my-pc.local:9000/v1"],
    ["http://x:8787/", "http://x:8787/v1"],
    ["http://x:8787/v1", "http://x:8787/v1"],
    ["http://x:8787/v1/", "http://x:8787/v1"],
    ["https://x/v1", "https://x:8787/v1"],
    ["HTTPS://X.local:443", "https://x.local/v1"],
    ["http://x:8787/proxy", "http://x:8787/proxy/v1"],
    ["fe80::1", "http://[fe80::1]:8787/v1"],
    ["[fe80::1]:9000", "http://[fe80::1]:9000/v1"],
    ["http://[::1]/v1", "http://[::1]:8787/v1"],
  ])("%s -> %s", (input, expected) => {
    expect(parseRelayAddress(input).baseURL).toBe(expected);
  });

  it("uses https when the connection asks for it and keeps the origin for /health", () => {
    expect(parseRelayAddress("10.0.0.2", "https")).toEqual({
      origin: "https://10.0.0.2:8787",
      baseURL: "https://10.0.0.2:8787/v1",
    });
  });

  it.each(["", "   ", "hello world", "ftp://x", "http://", "a..b", "user:pass@host", "-bad-.local", "x:99999"])(
    "refuses %j with a clear message",
    (input) => {
      expect(() => parseRelayAddress(input)).toThrow(RelayAddressError);
      expect(() => parseRelayAddress(input)).toThrow(/address/);
    },
  );
});
