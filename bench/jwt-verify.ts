// Cost of verifyToken per call (backend/src/auth/jwt.ts), in process, with and without the
// revocation check: a token already verified (what every request after a token's first pays) and
// a token never seen (the Ed25519 signature check). The variants run interleaved, round after
// round, and the median round is reported, so a busy machine slows them alike. Writes
// bench/results/jwt-verify.md.
//
//   npm run bench:jwt-verify
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { pino } from "pino";
import { JWT_LIFETIME_SECONDS } from "../backend/src/auth/auth.ts";
import { createJwtVerifier } from "../backend/src/auth/jwt.ts";
import { type Revocations, startTokenRevocations } from "../backend/src/auth/token-revocations.ts";
import { openDatabase } from "../backend/src/db/client.ts";
import { migrate } from "../backend/src/db/migrate.ts";

const ROUNDS = 9;
const CACHED_CALLS = 100_000; // per round and variant
const FRESH_CALLS = 500; // per round and variant: distinct tokens, signed beforehand
const REVOKED = 10_000;
const ISSUER = "https://api.example.test";
const resultsFile = fileURLToPath(new URL("./results/jwt-verify.md", import.meta.url));

const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
const kid = randomUUID();
const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "EdDSA" }] };
const sign = () => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: "bench@example.test", sid: randomUUID() })
    .setProtectedHeader({ alg: "EdDSA", kid })
    .setSubject(randomUUID())
    .setIssuer(ISSUER)
    .setAudience(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + JWT_LIFETIME_SECONDS)
    .sign(privateKey);
};

// The real revocation list, filled from the database as the triggers would fill it.
const database = await openDatabase({ url: "memory://", dataDir: "unused" });
await migrate(database.db);
const logger = pino({ level: "silent" });
const empty = startTokenRevocations(database.db, { tokenLifetimeSeconds: 900, logger });
await empty.poll();
await database.db.execute(sql`
  insert into token_revocations (session_id, user_id)
  select gen_random_uuid(), gen_random_uuid() from generate_series(1, ${REVOKED})`);
const full = startTokenRevocations(database.db, { tokenLifetimeSeconds: 900, logger });
await full.poll();
await empty.stop(); // no further reads: the list stays as it is (empty), fresh enough below
await full.stop();

/** A list that never revokes: the cost of everything but the lookups. */
const none: Revocations = { ready: () => undefined, isRevoked: () => false };
// The lists' freshness is judged by time; the stopped lists are kept fresh by reading them again
// between rounds (never inside a measured loop).
const variants: [string, Revocations][] = [
  ["none (a list that never revokes)", none],
  ["revocation check, empty list", empty],
  [`revocation check, ${REVOKED.toLocaleString("en")} revoked sessions`, full],
];
const verifiers = variants.map(([label, revocations]) => ({
  label,
  revocations,
  verify: createJwtVerifier({
    loadKeys: async () => jwks,
    issuer: ISSUER,
    audience: ISSUER,
    maxLifetimeSeconds: JWT_LIFETIME_SECONDS,
    revocations,
  }),
}));

type Verifier = (typeof verifiers)[number];
const cachedToken = await sign();
const results = new Map(
  verifiers.map((v) => [v.label, { cached: [] as number[], fresh: [] as number[] }]),
);
for (const v of verifiers) await v.verify(cachedToken); // load the keys, remember the token

for (let round = 0; round < ROUNDS; round++) {
  await empty.poll();
  await full.poll();
  // Each round starts with another variant, so none always runs first (after the signing).
  const inTurn = verifiers.map((_, i) => verifiers[(i + round) % verifiers.length] as Verifier);
  for (const v of inTurn) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CACHED_CALLS; i++) await v.verify(cachedToken);
    results.get(v.label)?.cached.push(Number(process.hrtime.bigint() - started) / CACHED_CALLS);
  }
  for (const v of inTurn) {
    const tokens = await Promise.all(Array.from({ length: FRESH_CALLS }, sign));
    const started = process.hrtime.bigint();
    for (const token of tokens) await v.verify(token);
    results.get(v.label)?.fresh.push(Number(process.hrtime.bigint() - started) / FRESH_CALLS);
  }
}
await database.close();

const median = (values: number[]) =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
const rows = verifiers.map(({ label }) => {
  const r = results.get(label) ?? { cached: [], fresh: [] };
  return `| ${label} | ${(median(r.cached) / 1000).toFixed(2)} µs | ${(median(r.fresh) / 1000).toFixed(1)} µs |`;
});
const report = `# Cost of verifying a bearer JWT

\`verifyToken\` per call, in process, ${ROUNDS} rounds of ${CACHED_CALLS.toLocaleString("en")} calls with one
token already verified, and ${FRESH_CALLS} calls with tokens never seen (the Ed25519 check); the
variants run interleaved (each round starting with the next), and the median round is shown. The revocation lists are
the real ones (\`startTokenRevocations\`), read from an in-memory PGlite; the check on a request is
two lookups in memory, and the database is read once a second in the background, never per
request. Produced by \`npm run bench:jwt-verify\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version},
${cpus().length} cores.

| revocation | token already verified | token never seen |
| --- | --- | --- |
${rows.join("\n")}
`;
writeFileSync(resultsFile, report);
console.log(report);
