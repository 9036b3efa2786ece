// View tests render into happy-dom, but the extension runs in Node inside Raycast: once React DOM has loaded
// (it reads navigator.userAgent at load), hide the browser's `navigator` so the openai client sees Node, as in Raycast.
if (typeof window !== "undefined") {
  await import("react-dom/client");
  Object.defineProperty(globalThis, "navigator", { value: undefined, configurable: true, writable: true });
}
export {};
