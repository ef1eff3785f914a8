/**
 * Runs on its own thread so the deadline holds even when the cycle's main thread is
 * stuck in synchronous code: a timer on the main event loop would never fire then.
 */
import { parentPort, workerData } from "node:worker_threads";
import { atomicWriteFile } from "../watchdog/core/fsx.js";
import { epochSec, isoSec } from "../watchdog/core/time.js";

export interface SentinelData {
  deadlineAtMs: number;
  graceMs: number;
  timeoutSec: number;
  heartbeatPath: string;
  base: Record<string, unknown>;
}

const data = workerData as SentinelData;
let layer = "(start)";
let note = "";

parentPort?.on("message", (m: { type: string; layer?: string; note?: string }) => {
  if (m.type === "layer" && m.layer) layer = m.layer;
  if (m.type === "progress" && m.note !== undefined) note = m.note;
});

setTimeout(
  () => {
    const t = Date.now();
    const startedAt = typeof data.base.startedAt === "number" ? data.base.startedAt : epochSec(t);
    try {
      atomicWriteFile(
        data.heartbeatPath,
        JSON.stringify(
          {
            at: epochSec(t),
            iso: isoSec(t),
            status: "aborted",
            ...data.base,
            error: `cycle exceeded cycle.timeoutSec (${data.timeoutSec}s) in layer ${layer}${note ? `; last progress: ${note}` : ""}`,
            layer,
            durationMs: t - startedAt * 1000,
          },
          null,
          2,
        ) + "\n",
      );
    } catch (err) {
      process.stderr.write(`watchkeeper cycle: sentinel could not write the aborted heartbeat: ${String(err)}\n`);
    }
    parentPort?.postMessage({ type: "deadline", layer });
    process.kill(process.pid, "SIGTERM");
    // The main thread gets this long to clean up; then nothing can stop the kill.
    setTimeout(() => process.kill(process.pid, "SIGKILL"), data.graceMs);
  },
  Math.max(0, data.deadlineAtMs - Date.now()),
);
