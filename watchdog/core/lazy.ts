/**
 * Builtins loaded on first use. A healthy watchdog run needs none of these, and loading
 * each costs a few milliseconds of a start that a timer pays every few minutes for years.
 * (process.getBuiltinModule: Node >= 20.16; a bundler cannot hoist it to the top.)
 */
function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  // Kept once loaded: the audit verifier hashes a million lines, and each lookup costs.
  return () => (loaded ??= process.getBuiltinModule(name) as T);
}

export const crypto = onFirstUse<typeof import("node:crypto")>("node:crypto");
export const childProcess = onFirstUse<typeof import("node:child_process")>("node:child_process");
export const workerThreads = onFirstUse<typeof import("node:worker_threads")>("node:worker_threads");
