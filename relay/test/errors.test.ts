import OpenAI, { APIError } from "openai";
import { describe, expect, it } from "vitest";
import * as relayErrors from "../src/errors.js";
import { RELAY_ERROR_CODES, RELAY_ERROR_TYPE, RelayError, errorDetail } from "../src/errors.js";

const { APIError: Generic, BadRequestError, AuthenticationError, PermissionDeniedError } = OpenAI;
const { NotFoundError, RateLimitError, InternalServerError } = OpenAI;

/**
 * Every factory, called as the relay calls it, and the class the official `openai` client raises for its answer
 * (it chooses by status): the contract with every client, so a status never changes by accident.
 */
const BUILT: Array<[RelayError, new (...args: never[]) => APIError]> = [
  [relayErrors.invalidPath(), BadRequestError],
  [relayErrors.unknownPath("GET", "/v2/chat"), NotFoundError],
  [relayErrors.notAWebSocket(), BadRequestError],
  [relayErrors.invalidAuthorizationHeader(), AuthenticationError],
  [relayErrors.requestTooLarge(50_000_000), Generic],
  [relayErrors.requestBodyIncomplete(), BadRequestError],
  [relayErrors.deviceTokenInvalid(), AuthenticationError],
  [relayErrors.tooManyFailures(42), RateLimitError],
  [relayErrors.registryDamaged(), InternalServerError],
  [relayErrors.pairingCodeWrong(), AuthenticationError],
  [relayErrors.controlRefused(), PermissionDeniedError],
  [relayErrors.pairingBodyTooLarge(), Generic],
  [relayErrors.pairingRequestNotJson(), BadRequestError],
  [relayErrors.deviceNameMissing(), BadRequestError],
  [relayErrors.relayBusy({ requests: 512 }), InternalServerError],
  [relayErrors.relayBusy("memory"), InternalServerError],
  [relayErrors.relayBusy("registry"), InternalServerError],
  [relayErrors.relayInternalError(), InternalServerError],
  [relayErrors.upstreamConnectTimeout("api.openai.com", 10), InternalServerError],
  [relayErrors.upstreamFirstByteTimeout("api.openai.com", 600), InternalServerError],
  [relayErrors.upstreamIdleTimeout("api.openai.com", 300), InternalServerError],
  [relayErrors.upstreamUnreachable("api.openai.com", "ENOTFOUND"), InternalServerError],
  [relayErrors.upstreamClosed("api.openai.com"), InternalServerError],
  [relayErrors.upstreamRedirect("api.openai.com", 307), InternalServerError],
  [relayErrors.upstreamError("api.openai.com"), InternalServerError],
];
const ERRORS = BUILT.map(([error]) => error);

/** What the `openai` client makes of a relay error's answer. */
function asClientSees(error: RelayError): APIError {
  const headers = new Headers({ "content-type": "application/json" });
  if (error.retryAfter !== undefined) headers.set("retry-after", String(error.retryAfter));
  return APIError.generate(error.status, JSON.parse(relayErrors.errorJson(error)) as object, undefined, headers);
}

describe("the relay's errors", () => {
  it("builds every code it can send, each with a factory", () => {
    expect([...new Set(ERRORS.map((e) => e.code))].sort()).toEqual([...RELAY_ERROR_CODES].sort());
  });

  it("marks every body as the relay's own, in OpenAI's error shape", () => {
    for (const error of ERRORS) {
      expect(JSON.parse(relayErrors.errorJson(error)), error.code).toEqual({
        error: { message: error.message, type: "passerelle_error", param: null, code: error.code },
      });
    }
    expect(RELAY_ERROR_TYPE).toBe("passerelle_error");
  });

  it("comes out of the official openai client as the class its status means, with the marker and code", () => {
    for (const [error, clientClass] of BUILT) {
      const seen = asClientSees(error);
      expect(seen.constructor, error.message).toBe(clientClass);
      expect(seen).toMatchObject({ status: error.status, code: error.code, type: "passerelle_error" });
    }
  });

  it("asks to come back later only when waiting helps: Retry-After on relay_busy and too_many_failures", () => {
    const waits = ERRORS.filter((e) => e.retryAfter !== undefined).map((e) => [e.code, e.retryAfter]);
    expect(waits).toEqual([
      ["too_many_failures", 42],
      ["relay_busy", 1],
      ["relay_busy", 1],
      ["relay_busy", 1],
    ]);
  });

  it("words each redirect the same way, naming the upstream and its status", () => {
    expect(relayErrors.upstreamRedirect("example.test:8443", 302).message).toBe(
      "example.test:8443 answered with a redirect (302), which the relay does not follow. Check the --upstream setting.",
    );
  });
});

describe("errorDetail", () => {
  it("gives an error's name and code, never its message", () => {
    const error = Object.assign(new TypeError("Bearer sk-secret in the message"), { code: "ERR_SOMETHING" });
    expect(errorDetail(error)).toBe("TypeError ERR_SOMETHING");
    expect(errorDetail("thrown text")).toBe("string");
    expect(errorDetail(undefined)).toBe("undefined");
  });

  it("leaves out a name or code that is not shaped like one, so no key or token can come through", () => {
    const forged = Object.assign(new Error("x"), { name: "sk-proj-abcdef123456", code: "psr_abcdef123456" });
    expect(errorDetail(forged)).toBe("Error");
    const lowerCode = Object.assign(new Error("x"), { code: "sk_live_abcdef" });
    expect(errorDetail(lowerCode)).toBe("Error");
  });
});
