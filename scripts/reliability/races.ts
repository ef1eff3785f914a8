/** Races between the watchdog and a person, and between two watchdogs, run for real. */
import { distFile, SCHEDULED } from "../../watchdog/core/where.js";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = () => ({ PATH: process.env.PATH, HOME: process.env.HOME, WATCHKEEPER_LOG: "json", WATCHKEEPER_LOG_LEVEL: "silent" });

function setup(): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "wk-race-"));
  mkdirSync(join(dir, "data"), { recursive: true });
  const config = join(dir, "watchkeeper.config.json");
  writeFileSync(config, JSON.stringify({ cycle: { schedule: "* * * * * *" } }));
  writeFileSync(join(dir, "data", "heartbeat.json"), JSON.stringify({ at: Math.floor(Date.now() / 1000) - 86400, status: "ok" }));
  return { dir, config };
}

const exit = (args: string[]) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn(process.execPath, args, { env: env(), stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.on("close", (code) => resolve({ code, out }));
  });

export interface RaceStats {
  cases: number;
  failures: string[];
}

/** A person writes a pause by hand at a random moment while the watchdog trips. */
export async function personVsWatchdog(n: number): Promise<RaceStats> {
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const { dir, config } = setup();
    try {
      const wd = exit([distFile(SCHEDULED.watchdog), "--config", config]);
      await new Promise((r) => setTimeout(r, Math.random() * 350));
      writeFileSync(join(dir, "data", "circuit.json"), JSON.stringify({ paused: true, reason: "person", by: "me" }) + "\n");
      await wd;
      const c = JSON.parse(readFileSync(join(dir, "data", "circuit.json"), "utf8")) as { paused?: unknown; reason?: unknown };
      if (c.paused !== true) failures.push(`case ${i}: the pause was lost`);
      if (c.reason !== "person") failures.push(`case ${i}: the person's pause was overwritten by "${String(c.reason)}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { cases: n, failures };
}

/** Two watchdogs start together on the same stale heartbeat. */
export async function twoWatchdogs(n: number): Promise<RaceStats> {
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const { dir, config } = setup();
    try {
      const [a, b] = await Promise.all([exit([distFile(SCHEDULED.watchdog), "--config", config]), exit([distFile(SCHEDULED.watchdog), "--config", config])]);
      const alerts = (a.out.match(/circuit tripped/g) ?? []).length + (b.out.match(/circuit tripped/g) ?? []).length;
      if (alerts !== 1) failures.push(`case ${i}: ${alerts} trip alerts, not 1`);
      const log = existsSync(join(dir, "memory", "decisions.jsonl")) ? readFileSync(join(dir, "memory", "decisions.jsonl"), "utf8") : "";
      const trips = log.split("\n").filter((l) => l.includes('"kind":"trip"')).length;
      if (trips !== 1) failures.push(`case ${i}: ${trips} trip records, not 1`);
      if (a.code !== 0 || b.code !== 0) failures.push(`case ${i}: exit codes ${a.code}, ${b.code}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { cases: n, failures };
}
