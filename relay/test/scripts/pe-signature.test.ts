import { describe, expect, it } from "vitest";
import { removeAuthenticodeSignature } from "../../scripts/pe-signature.ts";

const PE_AT = 0x80;
const SECURITY_AT = PE_AT + 24 + 112 + 4 * 8;

/** The headers of a 64-bit Windows program, `body` bytes of code, and a signature block of `signature` bytes. */
function executable(body: number, signature: number, magic = 0x20b): Buffer {
  const exe = Buffer.alloc(0x200 + body + signature, 0x90);
  exe.write("MZ", 0, "latin1");
  exe.writeUInt32LE(PE_AT, 0x3c);
  exe.write("PE\0\0", PE_AT, "latin1");
  exe.writeUInt16LE(magic, PE_AT + 24);
  exe.writeUInt32LE(signature ? exe.length - signature : 0, SECURITY_AT);
  exe.writeUInt32LE(signature, SECURITY_AT + 4);
  exe.fill(0x53, exe.length - signature);
  return exe;
}

describe("removeAuthenticodeSignature", () => {
  it("cuts the signature block off the end and clears the security directory", () => {
    const signed = executable(1000, 64);
    const unsigned = removeAuthenticodeSignature(signed);
    expect(unsigned.length).toBe(signed.length - 64);
    expect([unsigned.readUInt32LE(SECURITY_AT), unsigned.readUInt32LE(SECURITY_AT + 4)]).toEqual([0, 0]);
    expect(unsigned.includes(Buffer.alloc(64, 0x53))).toBe(false);
    // Everything before the signature is the same program.
    expect(unsigned.subarray(SECURITY_AT + 8).equals(signed.subarray(SECURITY_AT + 8, signed.length - 64))).toBe(true);
  });

  it("gives an unsigned program back unchanged", () => {
    const unsigned = executable(1000, 0);
    expect(removeAuthenticodeSignature(unsigned).equals(unsigned)).toBe(true);
  });

  it("refuses what is not a 64-bit Windows program, or a signature that is not last", () => {
    expect(() => removeAuthenticodeSignature(Buffer.from("#!/usr/bin/env node\n"))).toThrow(/no MZ header/);
    expect(() => removeAuthenticodeSignature(executable(100, 64, 0x10b))).toThrow(/not PE32\+/);
    const trailing = Buffer.concat([executable(100, 64), Buffer.alloc(16)]);
    expect(() => removeAuthenticodeSignature(trailing)).toThrow(/not at the end/);
  });
});
