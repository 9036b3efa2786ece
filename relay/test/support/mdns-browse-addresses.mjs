// Child process for network/mdns.test.ts: every address a `_passerelle._tcp` announcement names, as JSON.
// Usage: node mdns-browse-addresses.mjs <relay id> <timeout ms>
import { Bonjour } from "bonjour-service";

const [relayId, timeoutMs] = process.argv.slice(2);
const bonjour = new Bonjour();
const done = (addresses) => {
  console.log(JSON.stringify(addresses));
  process.exit(0);
};
bonjour.find({ type: "passerelle" }, (service) => {
  if (service.txt?.id === relayId) done([...(service.addresses ?? [])].sort());
});
globalThis.setTimeout(() => done(null), Number(timeoutMs));
