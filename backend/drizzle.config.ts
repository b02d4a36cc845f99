import { defineConfig } from "drizzle-kit";

// Only generates SQL from schema.ts; the backend applies it at start-up (never `drizzle-kit push`).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./src/db/migrations",
});
