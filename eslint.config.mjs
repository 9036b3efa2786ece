// The relay and the repository's scripts; the extension has its own config (raycast/eslint.config.mjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", ".build/**", "raycast/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        performance: "readonly",
        Buffer: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // A function longer than a screen is a piece without a name.
    files: ["relay/src/**/*.ts"],
    rules: {
      "max-lines-per-function": ["error", { max: 60 }],
    },
  },
  {
    // Every error the relay makes is built by a factory in errors.ts, so each is worded (and marked) once.
    files: ["relay/src/**/*.ts"],
    ignores: ["relay/src/errors.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='RelayError']",
          message: "Build relay errors with a factory from relay/src/errors.ts.",
        },
      ],
    },
  },
);
