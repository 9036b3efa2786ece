import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@raycast/api": fileURLToPath(new URL("./test/raycast-api-double.tsx", import.meta.url)),
    },
  },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    environment: "node",
    // The 50,000-token streaming test measures the heap after forcing a collection.
    execArgv: ["--expose-gc"],
    setupFiles: ["./test/setup.ts"],
    server: { deps: { inline: ["@raycast/utils"] } },
  },
});
