import raycastConfig from "@raycast/eslint-config";

export default [{ ignores: ["raycast-env.d.ts", "dist/**", "node_modules/**"] }, ...raycastConfig];
