// `npm run audit`: the production dependencies' known advisories (issue 7, part 8). Fails on any
// high or critical advisory. When the registry's audit endpoint cannot be reached (this
// workplace's registry mirror answers it with 405), it says so plainly and fails only with
// AUDIT_REQUIRED=1: an audit that could not run is reported, never counted as a pass.
import { spawnSync } from "node:child_process";

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; range?: string }>;
  statusCode?: number;
  message?: string;
}

const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8" });
let report: AuditReport;
try {
  report = JSON.parse(run.stdout) as AuditReport;
} catch {
  console.error(`npm audit gave no report:\n${run.stderr}`);
  process.exit(1);
}

const counts = report.metadata?.vulnerabilities;
if (!counts) {
  const why = report.message ?? run.stderr.trim().split("\n").at(-1) ?? "no answer";
  console.log(`npm audit could not run: ${why}. No advisory was checked.`);
  process.exit(process.env.AUDIT_REQUIRED === "1" ? 1 : 0);
}

const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) =>
  ["high", "critical"].includes(v.severity),
);
console.log(
  `npm audit (production dependencies): ${Object.entries(counts)
    .map(([level, n]) => `${n} ${level}`)
    .join(", ")}`,
);
for (const [name, v] of serious) console.error(`  ${v.severity}: ${name} ${v.range ?? ""}`);
process.exit(serious.length > 0 ? 1 : 0);
