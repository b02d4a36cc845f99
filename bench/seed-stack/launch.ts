// How the benchmark starts the seed stack (app.py): FastAPI + SQLModel on uvicorn, one worker, with
// Debian's Python and Debian's packages only (the `python3` on PATH may be another interpreter).
// The caller passes the environment: DATABASE_URL, JWT_ISSUER, CURSOR_SECRET, DATABASE_POOL_MAX.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PYTHON = "/usr/bin/python3";
const HERE = fileURLToPath(new URL(".", import.meta.url));
const PACKAGES = [
  "python3-fastapi",
  "python3-sqlmodel",
  "python3-uvicorn",
  "python3-asyncpg",
  "python3-uvloop",
  "python3-httptools",
  "python3-jwt",
  "python3-cryptography",
];

/** Installs the Debian packages (apt-get) unless Debian's Python already imports them all. */
export function ensureSeedStack(): void {
  try {
    execFileSync(
      PYTHON,
      ["-c", "import fastapi, sqlmodel, uvicorn, asyncpg, uvloop, httptools, jwt, cryptography"],
      { stdio: "ignore" },
    );
    return;
  } catch {
    // Missing: install below.
  }
  console.log(`Installing the seed stack (apt-get): ${PACKAGES.join(" ")}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () =>
    execFileSync("apt-get", ["install", "-y", "-qq", ...PACKAGES], { stdio: "inherit", env });
  try {
    install();
  } catch {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    install();
  }
}

/** The command that serves the seed stack on 127.0.0.1:`port`. */
export function seedStackCommand(port: number): { command: string; args: string[]; cwd: string } {
  return {
    command: PYTHON,
    // -I: isolated from PYTHON* variables and user site-packages, so only Debian's packages load.
    args: [
      "-I",
      "-m",
      "uvicorn",
      "app:app",
      "--app-dir",
      HERE,
      "--loop",
      "uvloop",
      "--http",
      "httptools",
      "--no-access-log",
      "--log-level",
      "warning",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    cwd: HERE,
  };
}
