/**
 * Removes the Authenticode signature from a Windows executable (PE32+) and returns the unsigned bytes.
 *
 * node.exe comes signed by the OpenJS Foundation; once the relay is injected that signature no longer matches,
 * and Windows treats a broken signature worse than none. Node's guide removes it with `signtool remove /s`,
 * which only exists on Windows: this does the same anywhere. The signature is the file's last block, named
 * by the optional header's security directory; both are cleared.
 */
export function removeAuthenticodeSignature(exe: Buffer): Buffer {
  const fail = (why: string) => new Error(`not a 64-bit Windows executable (${why})`);
  if (exe.length < 0x40 || exe.toString("latin1", 0, 2) !== "MZ") throw fail("no MZ header");
  const pe = exe.readUInt32LE(0x3c);
  if (pe + 24 > exe.length || exe.toString("latin1", pe, pe + 4) !== "PE\0\0") throw fail("no PE header");
  const optional = pe + 24;
  if (exe.readUInt16LE(optional) !== 0x20b) throw fail("not PE32+");
  // Data directories start 112 bytes into a PE32+ optional header; the security one is the fifth (8 bytes each).
  const security = optional + 112 + 4 * 8;
  const offset = exe.readUInt32LE(security);
  const size = exe.readUInt32LE(security + 4);
  if (offset === 0 && size === 0) return exe;
  if (offset + size !== exe.length) throw fail("the signature is not at the end of the file");
  const unsigned = Buffer.from(exe.subarray(0, offset));
  unsigned.writeUInt32LE(0, security);
  unsigned.writeUInt32LE(0, security + 4);
  return unsigned;
}
