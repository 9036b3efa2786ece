// Child process for network/mdns.test.ts: looks a relay up by id with the extension's own discovery.ts.
// Usage: node --experimental-strip-types mdns-browse.mjs <path of raycast/src/relay/discovery.ts> <relay id> <timeout ms>
const [modulePath, relayId, timeoutMs] = process.argv.slice(2);
const { findRelayById } = await import(modulePath);
const relay = await findRelayById(relayId, { timeoutMs: Number(timeoutMs) });
console.log(JSON.stringify(relay ?? null));
process.exit(0);
