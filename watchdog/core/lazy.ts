/**
 * Builtins loaded on first use. A healthy watchdog run needs neither, and loading each
 * costs a few milliseconds of a start that a timer pays every few minutes for years.
 * (process.getBuiltinModule: Node >= 20.16; a bundler cannot hoist it to the top.)
 */
export const crypto = (): typeof import("node:crypto") => process.getBuiltinModule("node:crypto");
export const childProcess = (): typeof import("node:child_process") => process.getBuiltinModule("node:child_process");
