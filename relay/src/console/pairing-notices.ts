/** What the relay's window says about pairing, from the pairing events: every new code, and the one shown ending unused. */
import type { PairingEvent } from "../auth/authority.js";
import { pairingInstructions } from "./pairing-instructions.js";

const clock = (date: Date) => date.toTimeString().slice(0, 8);

/**
 * Prints the code to type whenever a session opens, whoever opened it (the p key, `passerelle pair`, a
 * second start: each voids the code shown before, so the window always shows the one that works), and says
 * when the code shown stops working unused, with the one key (or command) that gives a new one.
 */
export function pairingNotices(print: (text: string) => void, newCode: string): (event: PairingEvent) => void {
  let shown: string | undefined;
  return (event) => {
    if (event.type === "opened") {
      const replaced = shown ? "A new pairing code; the one shown above no longer works.\n" : "";
      shown = event.code;
      print(replaced + pairingInstructions(event.code, event.expiresAt, event.maxTries, newCode));
      return;
    }
    if (event.type === "paired") {
      shown = undefined;
      return print(`Paired: "${event.name}" can now use this relay.`);
    }
    if (event.code !== shown) return;
    shown = undefined;
    print(
      event.type === "expired"
        ? `The pairing code ${event.code} expired at ${clock(event.expiresAt)} unused. ${newCode}`
        : `The pairing code ${event.code} was typed wrong too many times and no longer works. ${newCode}`,
    );
  };
}
