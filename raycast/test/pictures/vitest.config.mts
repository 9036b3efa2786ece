import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** `npm run pictures`: renders the commands' views into assets/raycast-*.png (not part of `npm test`). */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: {
    alias: {
      "@raycast/api": fileURLToPath(new URL("./raycast-api-pictures.tsx", import.meta.url)),
    },
  },
  test: {
    include: ["test/pictures/render-pictures.test.tsx"],
    environment: "node",
    setupFiles: ["./test/setup.ts"],
    server: { deps: { inline: ["@raycast/utils"] } },
    testTimeout: 60_000,
  },
});
