/**
 * Runs on its own thread so the deadline holds even when the cycle's main thread is
 * stuck in synchronous code: a timer on the main event loop would never fire then.
 */
import { parentPort, workerData } from "node:worker_threads";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteFile } from "../watchdog/core/fsx.js";
import { epochSec, isoSec } from "../watchdog/core/time.js";

export interface SentinelData {
  deadlineAtMs: number;
  graceMs: number;
  timeoutSec: number;
  layerTimeoutSec: Record<string, number>;
  heartbeatPath: string;
  progressPath: string;
  reportsDir: string;
  base: Record<string, unknown> & { cycle: string };
  secret?: string;
  /** The external witness: told at once that the cycle was killed. */
  witness?: { url: string; rid: string };
}

const data = workerData as SentinelData;
let layer = "(start)";
let layerStartMs = Date.now();
let note = "";
let step = 0;
let timer: NodeJS.Timeout | undefined;
let reportAnswered: ((file: string) => void) | null = null;

function effectiveDeadline(): { at: number; limit: string } {
  const layerSec = data.layerTimeoutSec[layer];
  if (layerSec !== undefined && layerStartMs + layerSec * 1000 < data.deadlineAtMs)
    return { at: layerStartMs + layerSec * 1000, limit: `cycle.layers.${layer}.timeoutSec (${layerSec}s)` };
  return { at: data.deadlineAtMs, limit: `cycle.timeoutSec (${data.timeoutSec}s)` };
}

function arm(): void {
  if (timer) clearTimeout(timer);
  const d = effectiveDeadline();
  timer = setTimeout(() => void onDeadline(d.limit), Math.max(0, d.at - Date.now()));
}

parentPort?.on("message", (m: { type: string; layer?: string; note?: string; step?: number; file?: string }) => {
  if (m.type === "layer" && m.layer) {
    layer = m.layer;
    layerStartMs = Date.now();
    arm();
  }
  if (m.type === "progress") {
    if (m.note !== undefined) note = m.note;
    if (m.step !== undefined) step = m.step;
  }
  if (m.type === "report-done" && m.file && reportAnswered) reportAnswered(m.file);
});

/** Asks the main thread for a diagnostic report; no answer within a second means its loop is blocked. */
async function requestReport(file: string): Promise<{ report: string | null; blocked: boolean }> {
  const answered = new Promise<string>((resolve) => (reportAnswered = resolve));
  parentPort?.postMessage({ type: "report-request", file });
  const res = await Promise.race([answered, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
  if (res) return { report: res, blocked: false };
  try {
    // The main thread cannot answer: a report from here still shows the process's
    // resources and CPU time, which tell a busy loop from a wait.
    process.report.writeReport(file);
    // The main thread dropped the bot token, but the worker's env is a copy made before.
    if (data.secret) {
      const text = readFileSync(file, "utf8");
      if (text.includes(data.secret)) writeFileSync(file, text.split(data.secret).join("[redacted]"));
    }
    return { report: file, blocked: true };
  } catch {
    return { report: null, blocked: true };
  }
}

async function onDeadline(limit: string): Promise<void> {
  const t0 = Date.now();
  mkdirSync(data.reportsDir, { recursive: true });
  const file = join(data.reportsDir, `report-${data.base.cycle}-${t0}.json`);
  const { report, blocked } = await requestReport(file);
  const t = Date.now();
  const state = blocked ? "its main thread was blocked in synchronous code" : "it was waiting on something that never finished";
  const why = `cycle exceeded ${limit} in layer ${layer}; ${state}${note ? `; last progress: ${note}` : ""}`;
  const startedAt = typeof data.base.startedAt === "number" ? data.base.startedAt : epochSec(t);
  try {
    atomicWriteFile(
      data.heartbeatPath,
      JSON.stringify({ at: epochSec(t), iso: isoSec(t), status: "aborted", ...data.base, error: why, layer, report, durationMs: t - startedAt * 1000 }, null, 2) + "\n",
    );
    atomicWriteFile(
      data.progressPath,
      JSON.stringify({ step: step + 1, note: `aborted: ${why}`, at: epochSec(t), cycle: data.base.cycle, pid: process.pid, layer }, null, 2) + "\n",
    );
  } catch (err) {
    process.stderr.write(`watchkeeper cycle: sentinel could not write the aborted heartbeat: ${String(err)}\n`);
  }
  parentPort?.postMessage({ type: "deadline", layer, why, report });
  if (data.witness) {
    // Bounded: the kill waits at most a second and a half for it.
    try {
      await fetch(`${data.witness.url.replace(/\/+$/, "")}/fail?rid=${data.witness.rid}`, { method: "POST", body: `aborted: ${why}`.slice(0, 9000), signal: AbortSignal.timeout(1500) });
    } catch {
      // the witness notices the missing success anyway
    }
  }
  process.kill(process.pid, "SIGTERM");
  // The main thread gets this long to clean up; then nothing can stop the kill.
  setTimeout(() => process.kill(process.pid, "SIGKILL"), data.graceMs);
}

arm();
