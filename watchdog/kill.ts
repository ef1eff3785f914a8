import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { errno } from "./core/errors.js";
import { isPidAlive } from "./core/lock.js";

export interface StopResult {
  /** How it ended: it exited after SIGTERM, needed SIGKILL, was already gone, or survived even that. */
  outcome: "terminated" | "killed" | "gone" | "survived";
  report: string | null;
  steps: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    if (errno(err) === "ESRCH") return false;
    throw err;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isPidAlive(pid)) return true;
    await sleep(100);
  }
  return !isPidAlive(pid);
}

function reportsFor(dir: string, cycle: string | null): string[] {
  if (!cycle || !existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.startsWith(`report-${cycle}-`) && f.endsWith(".json"));
}

/**
 * Stops a wedged cycle runner the way an operator would: ask it for a diagnostic
 * report (SIGUSR2, which the runner answers when its event loop still turns), then
 * SIGTERM, then SIGKILL after the grace period.
 */
export async function stopRunner(pid: number, cycle: string | null, reportsDir: string, graceMs: number): Promise<StopResult> {
  const steps: string[] = [];
  const before = new Set(reportsFor(reportsDir, cycle));
  let report: string | null = null;
  if (!send(pid, "SIGUSR2")) return { outcome: "gone", report, steps: ["process already gone"] };
  steps.push("SIGUSR2 (report request)");
  for (let i = 0; i < 15 && report === null; i++) {
    await sleep(100);
    const fresh = reportsFor(reportsDir, cycle).find((f) => !before.has(f));
    if (fresh) report = join(reportsDir, fresh);
  }
  if (!report) steps.push("no report: its event loop is blocked");
  if (!send(pid, "SIGTERM")) return { outcome: "gone", report, steps };
  steps.push("SIGTERM");
  if (await waitGone(pid, graceMs)) return { outcome: "terminated", report, steps };
  send(pid, "SIGKILL");
  steps.push("SIGKILL");
  return { outcome: (await waitGone(pid, 3000)) ? "killed" : "survived", report, steps };
}
