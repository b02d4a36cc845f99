// Throughput of the tasks API on Postgres, over real HTTP with bearer auth: GET a 50-row page, and
// POST a task. The server runs as `npm start` runs it (its own process); wrk (Debian package
// `wrk`) drives it from one thread. Writes bench/results/tasks-throughput.md.
//
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:throughput
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { BUNDLE, buildBundle, isBundleFresh } from "../backend/scripts/build.ts";
import { withThrowawayDatabase } from "./throwaway-database.ts";

const DURATION = "15s";
const CONNECTIONS = 32;
const serverUrl = process.env.BENCH_DATABASE_URL;
if (!serverUrl)
  throw new Error(
    "Set BENCH_DATABASE_URL to a Postgres server (a throw-away database is made there).",
  );
const backendDir = fileURLToPath(new URL("../backend", import.meta.url));
const resultsFile = fileURLToPath(new URL("./results/tasks-throughput.md", import.meta.url));

const rows: string[] = [];
if (!isBundleFresh()) await buildBundle();
await withThrowawayDatabase(serverUrl, async (url) => {
  const server = spawn(process.execPath, [BUNDLE], {
    cwd: backendDir,
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "production",
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      DATABASE_URL: url,
      PORT: "0",
      // The request log is on in production; here it would only measure the pipe to this process.
      LOG_LEVEL: "warn",
      // Limits are for abuse, not for a benchmark.
      API_RATE_LIMIT_MAX: "1000000",
    },
  });
  let output = "";
  server.stdout.on("data", (chunk) => {
    output += chunk;
  });
  server.stderr.on("data", (chunk) => {
    output += chunk;
  });

  try {
    // The start-up line is at info level; with LOG_LEVEL=warn, find the port from the process instead.
    const base = await new Promise<string>((resolve, reject) => {
      const started = Date.now();
      const poll = () => {
        if (server.exitCode !== null) return reject(new Error(`server exited:\n${output}`));
        const ports = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
          .split("\n")
          .filter((line) => line.includes(`pid=${server.pid},`))
          .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
          .filter(Boolean);
        if (ports[0]) return resolve(`http://127.0.0.1:${ports[0]}`);
        if (Date.now() - started > 30_000) return reject(new Error("server did not start"));
        setTimeout(poll, 100);
      };
      poll();
    });
    const origin = { Origin: "http://localhost:3000", "Content-Type": "application/json" };
    const signUp = await fetch(`${base}/api/auth/sign-up/email`, {
      method: "POST",
      headers: origin,
      body: JSON.stringify({ email: "bench@example.test", password: "bench passphrase 12345" }),
    });
    const cookie = signUp.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const { token } = (await (
      await fetch(`${base}/api/auth/token`, { headers: { Cookie: cookie } })
    ).json()) as {
      token: string;
    };
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
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
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
