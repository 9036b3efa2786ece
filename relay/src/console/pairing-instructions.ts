/** What the relay's window shows with a pairing code: kept apart from the commands, which load a TLS client. */

/** What the person at the relay reads when a pairing session opens (here and on a key press in the relay). */
export function pairingInstructions(code: string, expiresAt: Date, maxTries: number): string {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
  return `
  Pairing code:   ${code}

On the Mac, open Raycast, run "Connect to Relay", choose this relay (or type its address), and type the code.
The code works once, for about ${minutes} minute${minutes > 1 ? "s" : ""} (until ${expiresAt.toTimeString().slice(0, 8)}); a mistyped code can be typed again (${maxTries} wrong tries void it).
Its first 20 characters identify this relay's certificate: the Mac checks them before sending anything.
`;
}
