import { defineConfig } from "vitest/config";

// Unit tests of the web app's logic (the cache, the URL, the settings), beside the code they test.
// Node, no browser: what needs one is the e2e suite's (e2e/).
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
