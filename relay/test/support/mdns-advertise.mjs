// Child process for network/mdns.test.ts: announces a relay with the relay's own mdns.ts until killed.
// Usage: node --experimental-strip-types mdns-advertise.mjs <path of relay/src/network/mdns.ts> <relay id> <port> [networks as JSON]
const [modulePath, relayId, port, networks] = process.argv.slice(2);
const { advertiseRelay } = await import(modulePath);
advertiseRelay({
  relayId,
  port: Number(port),
  version: "0.0.0-test",
  networks: networks ? JSON.parse(networks) : undefined,
  onError: (e) => console.error(e.message),
});
console.log("advertising");
globalThis.setInterval(() => undefined, 60_000);
