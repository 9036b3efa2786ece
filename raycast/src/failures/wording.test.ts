import { describe, expect, it } from "vitest";
import { redactSecrets } from "./wording";

describe("redactSecrets", () => {
  it("masks keys", () => {
    expect(redactSecrets("key sk-proj-AbC_12-x and sk-test****wxyz")).toBe("key sk-… and sk-…");
  });
});
