import { describe, expect, it } from "vitest";
import { selfInvocation } from "../../src/commands/self-invocation.js";

describe("the relay's stable path", () => {
  it("is the program alone when packaged, else node and the script's absolute path", () => {
    expect(selfInvocation(true, "C:\\x\\passerelle.exe", "C:\\x\\passerelle.exe")).toEqual({
      program: "C:\\x\\passerelle.exe",
      args: [],
      typed: "passerelle.exe",
    });
    const underNode = selfInvocation(false, "/usr/bin/node", "bin/passerelle.js");
    expect(underNode.program).toBe("/usr/bin/node");
    expect(underNode.args[0]).toMatch(/^\/.*bin\/passerelle\.js$/);
  });
});
