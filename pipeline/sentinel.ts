import { Worker } from "node:worker_threads";
import type { SentinelData } from "./sentinel-worker.js";

export interface Sentinel {
  enterLayer(layer: string): void;
  progress(note: string): void;
  stop(): Promise<void>;
}

/** Starts the deadline thread; it keeps the process alive until stop(). */
export function startSentinel(data: SentinelData, onDeadline: (layer: string) => void): Sentinel {
  const worker = new Worker(new URL("./sentinel-worker.js", import.meta.url), { workerData: data });
  worker.on("message", (m: { type: string; layer?: string }) => {
    if (m.type === "deadline") onDeadline(m.layer ?? "?");
  });
  worker.on("error", (err) => process.stderr.write(`watchkeeper cycle: sentinel thread failed: ${String(err)}\n`));
  return {
    enterLayer: (layer) => worker.postMessage({ type: "layer", layer }),
    progress: (note) => worker.postMessage({ type: "progress", note }),
    stop: async () => {
      await worker.terminate();
    },
  };
}
