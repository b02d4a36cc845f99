// Cost of requireUser per request: GET /api/me (guarded) with a session cookie and with a bearer
// JWT, minus GET /healthz (not guarded) as the baseline of routing and response. In process
// (app.request, no sockets), sequential, after a warm-up. Writes bench/results/require-user.md.
//
//   npm run bench:require-user
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:require-user
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { pino } from "pino";
import { createApp, startAppServices } from "../backend/src/app.ts";
import { type Database, openDatabase } from "../backend/src/db/client.ts";
import { migrate } from "../backend/src/db/migrate.ts";
import { parseEnv } from "../backend/src/env.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const WARMUP = 300;
const REVOKED = 10_000;
const ROUNDS = 3000;
const ORIGIN = "http://localhost:3000";
const resultsFile = fileURLToPath(new URL("./results/require-user.md", import.meta.url));

async function measure(label: string, database: Database) {
  await migrate(database.db);
  const config = {
    ...parseEnv({ RATE_LIMIT_ENABLED: "false", API_RATE_LIMIT_MAX: "1000000" }),
    secret: randomBytes(32).toString("hex"),
  };
  const logger = pino({ level: "silent" });
  const services = startAppServices(database, { logger, retentionDays: 30 });
  const { revocations } = services;
  const app = createApp({ database, logger, config, ...services });

  const signUp = await app.request("/api/auth/sign-up/email", {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    body: JSON.stringify({
      email: `bench-${randomBytes(4).toString("hex")}@example.test`,
      password: "bench passphrase 12345",
    }),
  });
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const { token } = (await (
    await app.request("/api/auth/token", { headers: { Cookie: cookie } })
  ).json()) as { token: string };

  const perRequest = async (path: string, headers: Record<string, string>) => {
    for (let i = 0; i < WARMUP; i++) await app.request(path, { headers });
    const started = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) {
      const response = await app.request(path, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    }
    return Number(process.hrtime.bigint() - started) / ROUNDS / 1000; // µs
  };

  const baseline = await perRequest("/healthz", {});
  const withCookie = await perRequest("/api/me", { Cookie: cookie });
  const withJwt = await perRequest("/api/me", { Authorization: `Bearer ${token}` });
  // The revocation check is two in-memory lookups: its cost must not grow with the list. Fill it
  // with 10,000 ended sessions (as the triggers would write them) and measure again.
  await database.db.execute(sql`
    insert into token_revocations (session_id, user_id)
    select gen_random_uuid(), gen_random_uuid() from generate_series(1, ${REVOKED})`);
  await revocations.poll();
  const withJwtAndRevoked = await perRequest("/api/me", { Authorization: `Bearer ${token}` });
  await services.stop();
  await database.close();
  const row = (name: string, us: number) =>
    `| ${label} | ${name} | ${Math.round(us)} µs | ${Math.round(us - baseline)} µs |`;
  return [
    row("no auth (/healthz baseline)", baseline),
    row("session cookie", withCookie),
    row("bearer JWT", withJwt),
    row(`bearer JWT, ${REVOKED.toLocaleString("en")} revoked sessions known`, withJwtAndRevoked),
  ];
}

const rows = await measure(
  "PGlite (in memory)",
  await openDatabase({ url: "memory://", dataDir: "unused" }),
);

const serverUrl = process.env.BENCH_DATABASE_URL;
if (serverUrl) {
  const postgresRows = await withThrowawayDatabase(serverUrl, async (url) =>
    measure("Postgres (local, node-postgres)", await openDatabase({ url, dataDir: "unused" })),
  );
  rows.push(...postgresRows);
}

const report = `# Cost of requireUser

Per request, sequential, in process (\`app.request\`, no network), ${ROUNDS} requests after ${WARMUP}
of warm-up. "Guard cost" is the time minus the unguarded \`/healthz\` baseline: for a cookie,
Better Auth's session lookup (a database query); for a JWT, the local EdDSA verification (no
database; a token already verified is remembered) and the check against the sessions and users
revoked (in memory, read from the database once a second in the background). Produced by \`npm run bench:require-user\` on ${new Date().toISOString().slice(0, 10)},
Node ${process.version}, ${cpus().length} cores.

| database | credential | per request | guard cost |
| --- | --- | --- | --- |
${rows.join("\n")}
`;
writeFileSync(resultsFile, report);
console.log(report);
