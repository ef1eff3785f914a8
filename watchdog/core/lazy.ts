/**
 * Builtins loaded on first use. A healthy watchdog run needs neither, and loading each
 * costs a few milliseconds of a start that a timer pays every few minutes for years.
 * (process.getBuiltinModule: Node >= 20.16; a bundler cannot hoist it to the top.)
 */
let cryptoModule: typeof import("node:crypto") | undefined;
let childProcessModule: typeof import("node:child_process") | undefined;
let workerThreadsModule: typeof import("node:worker_threads") | undefined;
// Kept once loaded: the audit verifier hashes a million lines, and each lookup costs.
export const crypto = (): typeof import("node:crypto") => (cryptoModule ??= process.getBuiltinModule("node:crypto"));
export const childProcess = (): typeof import("node:child_process") => (childProcessModule ??= process.getBuiltinModule("node:child_process"));
export const workerThreads = (): typeof import("node:worker_threads") => (workerThreadsModule ??= process.getBuiltinModule("node:worker_threads"));
