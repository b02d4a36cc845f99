// Throughput of the tasks API on Postgres, over real HTTP with bearer auth: GET a 50-row page,
// POST a task, toggle one. The server runs as `npm start` runs it (its own process); wrk (Debian package
// `wrk`) drives it from one thread. Writes bench/results/tasks-throughput.md.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:throughput
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchUser, startBenchServer } from "./api-server.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const DURATION = "15s";
const CONNECTIONS = 32;
const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl)
  throw new Error(
    "Set BENCH_DATABASE_URL to a Postgres server (a throw-away database is made there).",
  );
const resultsFile = fileURLToPath(new URL("./results/tasks-throughput.md", import.meta.url));

const rows: string[] = [];
await withThrowawayDatabase(serverUrl, async (url) => {
  const server = await startBenchServer(url);
  const { base } = server;
  try {
    const { token } = await benchUser(base, "bench@example.test");
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query(
      `insert into tasks (user_id, title, description, tags, position, due_at)
     select id, 'Task ' || i, 'Some notes about task ' || i, array['home','work'], i, now() + i * interval '1 hour'
     from users, generate_series(1, 1000) as i`,
    );
    await db.query("analyze");
    await db.end();

    const luaPost = join(tmpdir(), `todo-post-${process.pid}.lua`);
    writeFileSync(
      luaPost,
      `wrk.method = "POST"\nwrk.body = '{"title":"Benchmark task","priority":"medium","tags":["bench"]}'\nwrk.headers["Content-Type"] = "application/json"\n`,
    );
    // Toggles one of the user's 1,000 tasks (ids 1 to 1,000 in the fresh database) at random.
    const luaToggle = join(tmpdir(), `todo-toggle-${process.pid}.lua`);
    writeFileSync(
      luaToggle,
      `request = function()\n  return wrk.format("PATCH", "/api/me/tasks/" .. math.random(1000) .. "/complete")\nend\n`,
    );
    const wrk = (duration: string, path: string, extra: string[] = []) =>
      execFileSync(
        "wrk",
        [
          "-t1",
          `-c${CONNECTIONS}`,
          `-d${duration}`,
          "--latency",
          "-H",
          `Authorization: Bearer ${token}`,
          ...extra,
          `${base}${path}`,
        ],
        { encoding: "utf8" },
      );
    wrk("5s", "/api/me/tasks?limit=50"); // warm-up: let the JIT compile the hot paths, not measured
    const run = (label: string, path: string, extra: string[] = []) => {
      const text = wrk(DURATION, path, extra);
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(text)?.[1];
      const p50 = /50%\s+([\d.]+\w+)/.exec(text)?.[1];
      const p99 = /99%\s+([\d.]+\w+)/.exec(text)?.[1];
      const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? "0";
      rows.push(`| ${label} | ${Math.round(Number(rps))} | ${p50} | ${p99} | ${non2xx} |`);
      console.log(label, rps, p50, p99, non2xx);
    };
    run("GET /api/me/tasks?limit=50 (a 50-row page)", "/api/me/tasks?limit=50");
    run(
      "GET /api/me/tasks?limit=50&sort=-due&status=pending",
      "/api/me/tasks?limit=50&sort=-due&status=pending",
    );
    run("POST /api/me/tasks (create)", "/api/me/tasks", ["-s", luaPost]);
    run("PATCH /api/me/tasks/{id}/complete (toggle)", "/api/me/tasks", ["-s", luaToggle]);
  } finally {
    await server.stop();
  }
});

const report = `# Tasks API throughput

Real HTTP with a bearer JWT, against the server in its own process (\`NODE_ENV=production\`,
\`LOG_LEVEL=warn\`), on local Postgres 15 (throw-away database, one user with 1,000 tasks). wrk:
1 thread, ${CONNECTIONS} connections, ${DURATION} per row after a 5 s warm-up, on the same ${cpus().length}-core machine as the
server and Postgres. Produced by \`npm run bench:throughput\` on ${new Date().toISOString().slice(0, 10)},
Node ${process.version}.

| request | requests/s | p50 | p99 | non-2xx |
| --- | --- | --- | --- | --- |
${rows.join("\n")}
`;
writeFileSync(resultsFile, report);
console.log(report);
