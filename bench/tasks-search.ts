// Search on a 100,000-task user, over real HTTP with bearer auth (decision 014): the latency of
// every kind of `q` (1 to 200 characters, matching and not), and another user's list latency while
// one user floods the server with searches that match nothing. The server runs as `npm start`
// runs it, on a throw-away Postgres database. Writes bench/results/tasks-search.md (with
// `--out <file>`, there instead; `--smoke`: 2,000 tasks and a few seconds, writes nothing).
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:search
//
// `--backend <dir>` runs another checkout's bundle (its dist/server.mjs, built beforehand): how
// the "before" column of the results was measured.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { BACKEND_DIR, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
};
const smoke = process.argv.includes("--smoke");
const BIG_TASKS = smoke ? 2_000 : 100_000;
const REPEATS = smoke ? 3 : 15;
const FLOOD_SECONDS = smoke ? 2 : 10;
const FLOODERS = 16;
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const backendDir = resolve(argument("--backend") ?? BACKEND_DIR);
const bundle = join(backendDir, "dist", "server.mjs");
const resultsFile =
  argument("--out") ?? fileURLToPath(new URL("./results/tasks-search.md", import.meta.url));
const ORIGIN = "http://localhost:3000";

// A long note in every fourth task, so that long searches can match.
const NOTE =
  "Remember to check the details before the end of the week, then send the summary to the whole " +
  "team with the figures for March, the open questions about the budget, and the list of people " +
  "who still have to confirm their travel dates for the offsite.";
/** `q`s of each length: one that matches (a piece of the data) and one that matches nothing. */
const QUERIES: [label: string, q: string, matches: boolean][] = [
  ["1 char, in most tasks", "e", true],
  ["1 char, in no task", "ж", false],
  ["2 chars, in many tasks", "re", true],
  ["2 chars, in no task", "zq", false],
  ["3 chars", "rep", true],
  ["3 chars, in no task", "zqx", false],
  ["a word, in 1 task in 12", "report", true],
  ["a word, in no task", "passport", false],
  ["two words, in 1 task in 12", "quarterly report", true],
  ["two words, each somewhere, never together", "plumber lisbon", false],
  ["a number (no trigram)", "#7", false],
  ["short words only", "a b c d e", true],
  ["20 chars", NOTE.slice(0, 20), true],
  ["20 chars, in no task", "zqxj ".repeat(4), false],
  ["50 chars", NOTE.slice(0, 50), true],
  ["100 chars", NOTE.slice(0, 100), true],
  ["100 chars, in no task", `${NOTE.slice(0, 95)} zqxj`, false],
  ["200 chars (the maximum)", NOTE.slice(0, 200), true],
  ["200 chars, in no task", `${NOTE.slice(0, 195)} zqxj`, false],
  ["200 chars of 1-char words", "a e i o u ".repeat(20).trim(), true],
  ["200 chars of 1-char words, in no task", "ж ".repeat(100).trim(), false],
];

function seedSql(email: string, count: number) {
  return `
    insert into tasks (user_id, title, description, is_completed, completed_at, priority, tags, position, created_at)
    select u.id,
           (array['Buy','Call','Write','Review','Plan','Fix','Book','Email','Clean','Prepare'])[1 + (g * 7) % 10] || ' ' ||
           (array['milk and bread','the quarterly report','the plumber','flights to Lisbon','the invoice for March',
                  'slides for Monday','the dentist','the garage door','next year''s budget','a birthday gift for Sam',
                  'the team offsite','the tax return'])[1 + (g * 5) % 12] || ' ' || g,
           case when g % 4 = 0 then '${NOTE}' else '' end,
           g % 3 = 0, case when g % 3 = 0 then now() end,
           (array['none','low','medium','high'])[1 + (g * 3) % 4]::task_priority,
           (array['{}','{home}','{work}','{work,urgent}','{errands}','{home,weekend}'])[1 + g % 6]::text[],
           g, now() - (${count} - g) * interval '1 minute'
      from users u cross join generate_series(1, ${count}) g
     where u.email = '${email}'`;
}

async function startServer(url: string) {
  const port = 18_100 + Math.floor(Math.random() * 800);
  const server = spawn(process.execPath, [bundle], {
    cwd: backendDir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      BETTER_AUTH_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: url,
      PORT: String(port),
      LOG_LEVEL: "warn",
      // Limits are for abuse, not for a benchmark (the search limits stay: they are measured).
      API_RATE_LIMIT_MAX: "1000000",
      SIGN_IN_RATE_LIMIT_MAX: "100000",
      AUTH_RATE_LIMIT_MAX: "100000",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  server.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  for (let started = Date.now(); Date.now() - started < 60_000; ) {
    if (server.exitCode !== null) throw new Error(`server exited:\n${stderr}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { server, base };
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill("SIGKILL");
  throw new Error(`server did not start:\n${stderr}`);
}

async function tokenFor(base: string, email: string) {
  const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: "bench passphrase 12345" }),
  });
  if (!signUp.ok) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/token`, { headers: { Cookie: cookie } });
  return ((await response.json()) as { token: string }).token;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

if (argument("--backend") === undefined && !isBundleFresh()) await buildBundle();
const searchRows: string[] = [];
const floodRows: string[] = [];
await withThrowawayDatabase(serverUrl, async (url) => {
  const { server, base } = await startServer(url);
  try {
    const bigToken = await tokenFor(base, "big@example.test");
    const otherToken = await tokenFor(base, "other@example.test");
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(seedSql("big@example.test", BIG_TASKS));
    await db.query(seedSql("other@example.test", 1_000));
    await db.query("analyze");
    await db.end();

    const get = async (token: string, query: string) => {
      const began = performance.now();
      const response = await fetch(`${base}/api/me/tasks?${query}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      const body = (await response.json()) as { items?: unknown[] };
      return { ms: performance.now() - began, status: response.status, rows: body.items?.length };
    };
    for (let i = 0; i < 20; i++) await get(bigToken, "limit=50"); // warm-up

    for (const [label, q, matches] of QUERIES) {
      const times: number[] = [];
      let rows: number | undefined;
      for (let i = 0; i < REPEATS; i++) {
        const result = await get(bigToken, `limit=50&q=${encodeURIComponent(q)}`);
        if (result.status !== 200) throw new Error(`${label}: ${result.status}`);
        times.push(result.ms);
        rows = result.rows;
      }
      // Another checkout (--backend) may search otherwise: its rows are reported, not checked.
      if ((rows ?? 0) > 0 !== matches && backendDir === BACKEND_DIR)
        throw new Error(`${label}: ${rows} rows`);
      searchRows.push(
        `| ${label} | ${q.length} | ${rows} | ${ms(percentile(times, 50))} | ${ms(Math.max(...times))} |`,
      );
      console.log(label, ms(percentile(times, 50)), ms(Math.max(...times)));
    }

    // Another user's plain list, alone and while the big user floods the server with searches.
    const listFor = async (seconds: number) => {
      const times: number[] = [];
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        const result = await get(otherToken, "limit=50");
        if (result.status !== 200) throw new Error(`other user's list: ${result.status}`);
        times.push(result.ms);
      }
      return times;
    };
    const alone = await listFor(FLOOD_SECONDS / 2);
    const statuses = new Map<number, number>();
    let flooding = true;
    const misses = QUERIES.filter(([, , matches]) => !matches).map(([, q]) => q);
    const flooders = Array.from({ length: FLOODERS }, async (_, n) => {
      for (let i = n; flooding; i++) {
        const q = misses[i % misses.length] as string;
        const result = await get(bigToken, `limit=50&q=${encodeURIComponent(q)}`);
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        // A client told to retry waits as Retry-After says (1 s) rather than spinning.
        if (result.status === 429 || result.status === 503)
          await new Promise((r) => setTimeout(r, 1000));
      }
    });
    const during = await listFor(FLOOD_SECONDS);
    flooding = false;
    await Promise.all(flooders);
    const counts = [...statuses].map(([status, n]) => `${n} × ${status}`).join(", ");
    floodRows.push(
      `| alone | ${alone.length} | ${ms(percentile(alone, 50))} | ${ms(percentile(alone, 99))} | – |`,
      `| while ${FLOODERS} parallel searches that match nothing flood the server | ${during.length} | ${ms(percentile(during, 50))} | ${ms(percentile(during, 99))} | ${counts} |`,
    );
    console.log(floodRows.join("\n"));
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
});

const report = `# Search on a ${BIG_TASKS.toLocaleString("en")}-task user

Real HTTP with a bearer JWT, against the server in its own process (\`NODE_ENV=production\`,
\`LOG_LEVEL=warn\`, ${backendDir === BACKEND_DIR ? "this checkout" : `the checkout in ${backendDir}`}), on Postgres
(throw-away database, after ANALYZE), ${cpus().length} cores shared by the server, Postgres and this client. Produced by
\`npm run bench:search\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.

## Each kind of q: ${REPEATS} requests one after another, first page of 50

| q | length | rows | p50 ms | max ms |
| --- | --- | --- | --- | --- |
${searchRows.join("\n")}

## Another user's list (1,000 tasks, \`limit=50\`), one request at a time

| | requests | p50 ms | p99 ms | the flood's answers |
| --- | --- | --- | --- | --- |
${floodRows.join("\n")}
`;
if (!smoke) writeFileSync(resultsFile, report);
console.log(report);
