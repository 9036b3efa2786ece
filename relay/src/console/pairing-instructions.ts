/** What the relay's window shows with a pairing code: kept apart from the commands, which load a TLS client. */

/**
 * What the person at the relay reads when a pairing session opens (in the relay's window, and from
 * `pair` or a second start), with how to get a new code should this one expire (`newCode`).
 */
export function pairingInstructions(code: string, expiresAt: Date, maxTries: number, newCode: string): string {
  const minutes = Math.max(1, Math.round((expiresAt.getTime() - Date.now()) / 60_000));
  return `
  Pairing code:   ${code}

On the Mac, open Raycast, run "Connect to Relay", choose this relay (or type its address), and type the code.
It works once, for about ${minutes} minute${minutes > 1 ? "s" : ""} (until ${expiresAt.toTimeString().slice(0, 8)}). ${newCode}
A mistyped code can be typed again (${maxTries} wrong tries void it). Its first 20 characters identify this
relay's certificate: the Mac checks them before sending anything.
`;
}
