import { workerThreads } from "../watchdog/core/lazy.js";
import type { SentinelData } from "./sentinel-worker.js";
import { distFile } from "../watchdog/core/where.js";

export interface DeadlineInfo {
  layer: string;
  why: string;
  report: string | null;
}

export interface Sentinel {
  enterLayer(layer: string): void;
  progress(note: string, step: number): void;
  stop(): Promise<void>;
}

/** Starts the deadline thread; it keeps the process alive until stop(). */
export function startSentinel(
  data: SentinelData,
  hooks: { onDeadline: (d: DeadlineInfo) => void; writeReport: (file: string) => void },
): Sentinel {
  const worker = new (workerThreads().Worker)(distFile("bin/sentinel-worker.cjs"), { workerData: data });
  worker.on("message", (m: { type: string; layer?: string; why?: string; report?: string | null; file?: string }) => {
    if (m.type === "deadline") hooks.onDeadline({ layer: m.layer ?? "?", why: m.why ?? "deadline", report: m.report ?? null });
    if (m.type === "report-request" && m.file) {
      try {
        hooks.writeReport(m.file);
        worker.postMessage({ type: "report-done", file: m.file });
      } catch {
        // no answer: the sentinel writes its own
      }
    }
  });
  worker.on("error", (err) => process.stderr.write(`watchkeeper cycle: sentinel thread failed: ${String(err)}\n`));
  return {
    enterLayer: (layer) => worker.postMessage({ type: "layer", layer }),
    progress: (note, step) => worker.postMessage({ type: "progress", note, step }),
    // Not awaited: a terminate waits for a still-booting thread, and the cycle's
    // result is already on disk. unref lets the process exit at once.
    stop: async () => {
      worker.unref();
      void worker.terminate();
    },
  };
}
