import { defineConfig } from "vitest/config";

/** The Windows leg only (`npm run test:windows`): the relay's other tests run with the default configuration. */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.leg.ts"],
    // Wine starts a Windows program in a second or two, and makes its prefix in about 15 s on first use.
    testTimeout: 90_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
