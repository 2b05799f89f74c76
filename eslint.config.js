import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Import boundaries. Each message starts with the boundary's name so a report says which rule fired.
const MSAL_ONLY_IN_IDENTITY = {
  regex: "^@azure/msal-node(/|$)",
  message: "[boundary: msal-only-in-lib-identity] Only lib/identity/ imports @azure/msal-node; call its functions (acquireAppToken, sign-in) and use the project's own types.",
};
const PORTAL_NOT_EMULATOR = {
  regex: "^(@/|(\\.\\./)+)emulator(/|$)",
  message: "[boundary: portal-not-emulator] lib/ and app/ must not import from emulator/: the sandbox cloud stands in for Microsoft and is reached over HTTP only.",
};
const EMULATOR_NOT_PORTAL = {
  regex: "^(@/|(\\.\\./)+)(lib|app)(/|$)",
  message: "[boundary: emulator-not-portal] emulator/ must not import from lib/ or app/: it answers as Microsoft does, not as the portal expects; keep its own helper in emulator/src/.",
};
const restrictImports = (...patterns) => ["error", { patterns }];

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    ignores: [".next/**", "node_modules/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    // Only lib/config.ts reads the environment; everything else takes typed settings from it.
    files: ["app/**", "lib/**"],
    ignores: ["lib/config.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings from lib/config.ts." }],
    },
  },
  {
    // msal-node nowhere but lib/identity/ (and its tests); the emulator's tests drive the sandbox with it
    // as a real client would, and emulator/examples/ shows partners how to.
    files: ["**/*.{js,mjs,cjs,ts,tsx}"],
    ignores: ["lib/identity/**", "tests/*/identity/**", "tests/*/emulator/**", "emulator/examples/**"],
    rules: { "no-restricted-imports": restrictImports(MSAL_ONLY_IN_IDENTITY) },
  },
  {
    // A later block replaces an earlier block's options for the same rule, so each block lists all its patterns.
    files: ["app/**", "lib/**"],
    ignores: ["lib/identity/**"],
    rules: { "no-restricted-imports": restrictImports(MSAL_ONLY_IN_IDENTITY, PORTAL_NOT_EMULATOR) },
  },
  {
    files: ["lib/identity/**"],
    rules: { "no-restricted-imports": restrictImports(PORTAL_NOT_EMULATOR) },
  },
  {
    files: ["emulator/**"],
    ignores: ["emulator/examples/**"],
    rules: { "no-restricted-imports": restrictImports(MSAL_ONLY_IN_IDENTITY, EMULATOR_NOT_PORTAL) },
  },
  {
    files: ["emulator/examples/**"],
    rules: { "no-restricted-imports": restrictImports(EMULATOR_NOT_PORTAL) },
  },
  {
    rules: { "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }] },
  },
  {
    // Tests read untyped JSON (Graph bodies, scenario fixtures) and poke at it freely.
    files: ["tests/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
];

export default config;
