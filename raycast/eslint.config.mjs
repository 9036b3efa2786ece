import raycastConfig from "@raycast/eslint-config";

export default [
  { ignores: ["raycast-env.d.ts", "dist/**", "node_modules/**"] },
  ...raycastConfig,
  {
    // A long body is a missing name: outside tests, no function runs over a screen.
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/**/*.test.{ts,tsx}"],
    rules: { "max-lines-per-function": ["error", { max: 60, IIFEs: true }] },
  },
];
