/**
 * Runs verifyFile on its own thread with a small, fixed heap: the log streams through
 * in constant memory whatever its size, and the operator's process stays small.
 */
import { workerThreads } from "../../watchdog/core/lazy.js";
import { verifyFile, type ExpectHead, type VerifySummary } from "./verify.js";
import { distFile } from "../../watchdog/core/where.js";

export function verifyInWorker(file: string, expect: ExpectHead | null, onProgress?: (done: number, total: number) => void): Promise<VerifySummary> {
  return new Promise((resolve, reject) => {
    // This file as built by tsc: inlined into the CLI bundle, import.meta.url would name the whole CLI.
    const w = new (workerThreads().Worker)(distFile("scripts/audit/verify-worker.js"), {
      workerData: { file, expect },
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 },
    });
    w.on("message", (m: { progress?: [number, number]; summary?: VerifySummary; error?: { message: string; code?: string } }) => {
      if (m.progress) onProgress?.(m.progress[0], m.progress[1]);
      if (m.summary) resolve(m.summary);
      if (m.error) reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
    });
    w.on("error", reject);
    w.on("exit", (code) => code !== 0 && reject(new Error(`verify thread exited with ${code}`)));
  });
}

// Not a static import: in the CLI bundle it would load worker_threads on every command.
const { isMainThread, parentPort, workerData } = workerThreads();
if (!isMainThread && parentPort && (workerData as { file?: string })?.file) {
  const { file, expect } = workerData as { file: string; expect: ExpectHead | null };
  verifyFile(file, expect, (done, total) => parentPort!.postMessage({ progress: [done, total] })).then(
    (summary) => parentPort!.postMessage({ summary }),
    (err: Error & { code?: string }) => parentPort!.postMessage({ error: { message: err.message, ...(err.code ? { code: err.code } : {}) } }),
  );
}
