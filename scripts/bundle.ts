/**
 * Build step after tsc: each scheduled entrypoint and the operator command become one
 * CommonJS file in dist/bin/ (NAME.bundle.cjs) with a warm V8 code cache beside it, and a
 * small launcher (NAME.cjs) that timers, `npm start` and the `watchkeeper` bin run.
 * One file instead of a tree of ES modules saves resolving, reading and linking ~150
 * modules on every start; the cache saves compiling them (see README, Performance).
 * The cycle's deadline thread is bundled too (a worker boots faster from one CommonJS
 * file than through the ES module loader: ~22 vs ~36 ms of CPU here, on every cycle).
 * The demo strategy rides inside the cycle's bundle; any other strategy is a separate
 * file, imported by path when a cycle runs (see BUNDLED_STRATEGIES).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { createRequire } from "node:module";
import { build } from "rolldown";
import { distFile } from "../watchdog/core/where.js";

const ENTRIES: Record<string, string> = {
  cycle: "pipeline/cycle.js",
  watchdog: "watchdog/watchdog.js",
  remind: "watchdog/remind.js",
  watchkeeper: "scripts/watchkeeper.js",
};

/** Worker threads: started by path from a bundle, so bundled on their own (no launcher). */
const WORKERS: Record<string, string> = { "sentinel-worker": "pipeline/sentinel-worker.js" };

const binDir = distFile("bin");
rmSync(binDir, { recursive: true, force: true });
mkdirSync(binDir, { recursive: true });

/**
 * zod off the start path: in an entrypoint bundle, watchdog/core/zod-schemas.js becomes a
 * loader of dist/bin/zod-schemas.cjs (zod and the schemas, bundled on their own), run the
 * first time a generated parser is not sure of a file. A run whose files are good never
 * evaluates zod: ~11 ms of a ~50 ms start here.
 */
const ZOD_SCHEMAS = distFile("watchdog/core/zod-schemas.js");

/**
 * The strategies that ship with watchkeeper, bundled into the cycle (no ES module loader
 * for the default cycle: ~5 ms). Only these: a strategy of yours in pipeline/strategies/
 * may import packages a bundle cannot hold (native addons, files beside the package), so
 * it stays a module of its own, imported by path as before.
 */
const BUNDLED_STRATEGIES = ["demo"];
const BUILTIN_STRATEGIES = distFile("pipeline/builtin-strategies.js");

/**
 * pino's file and thread destinations (sonic-boom, thread-stream): watchkeeper logs through
 * its own sink (fdSink in watchdog/core/log.ts) and never starts a transport, yet pino
 * loads both at its top, and with them node:assert (which builds process.stderr),
 * node:stream and worker_threads. In a bundle they are stand-ins that fail loudly if
 * anything ever calls them.
 */
const NOT_BUNDLED = new Set(["sonic-boom", "thread-stream"]);

/** The plugin that keeps the start path short: zod on demand, pino without its destinations, the demo strategy inside. */
const startPath = {
  name: "start-path",
  resolveId(source: string, importer: string | undefined) {
    if (NOT_BUNDLED.has(source)) return `\0not-bundled:${source}`;
    // pino reads worker_threads' isMainThread only to build a sonic-boom (above): loading
    // worker_threads (and node:stream with it) would cost every start ~3 ms for nothing.
    if (source === "worker_threads" && importer?.includes(`${sep}node_modules${sep}pino${sep}`)) return "\0pino-worker-threads";
    return null;
  },
  load(id: string) {
    if (id === "\0pino-worker-threads") return "module.exports = { isMainThread: true };";
    if (id.startsWith("\0not-bundled:")) {
      const name = id.slice("\0not-bundled:".length);
      return `module.exports = function notBundled() { throw new Error("${name} is not in this bundle: watchkeeper logs through fdSink (watchdog/core/log.ts)"); };`;
    }
    if (id === BUILTIN_STRATEGIES) {
      // By name; import() of a bundled module is a lazy init, evaluated only when chosen.
      const cases = BUNDLED_STRATEGIES.map((n) => `    case ${JSON.stringify(n)}: return import(${JSON.stringify(distFile(`pipeline/strategies/${n}.js`))});`);
      return ["export function builtinStrategy(name) {", "  switch (name) {", ...cases, "    default: return undefined;", "  }", "}"].join("\n");
    }
    if (id !== ZOD_SCHEMAS) return null;
    return [
      'import { createRequire } from "node:module";',
      "let loaded;",
      "export function zodSchemas() {",
      '  return (loaded ??= createRequire(__filename)("./zod-schemas.cjs").zodSchemas());',
      "}",
    ].join("\n");
  },
};

/** One CommonJS file: builtins stay require()s; everything else, our code and the packages, is inlined. */
async function bundle(entry: string, file: string, onStartPath = true): Promise<void> {
  await build({
    input: distFile(entry),
    platform: "node",
    // Loaded from node_modules when used, not bundled: node-cron only by `watchkeeper start`
    // (bundled, its builtins, child_process among them, would load at the top of every
    // command); the Telegram client only when a message goes out (its source is a fifth of
    // the watchdog's bundle, read on every start for nothing).
    external: [/^node:/, "node-cron", "node-telegram-bot-api"],
    logLevel: "warn",
    plugins: onStartPath ? [startPath] : [],
    // ASCII: V8 then holds the source as one-byte text, half the size to read on every start.
    output: { file, format: "cjs", codeSplitting: false, sourcemap: true, charset: "ascii" },
  });
  // What rolldown leaves (characters inside comments) is escaped too: the same program.
  const text = readFileSync(file, "utf8");
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

// The loader is copied into each launcher rather than require()d from it: one module fewer
// to find, read and compile on every start (~2 ms here).
const loader = readFileSync(distFile("scripts/launch/loader.cjs"), "utf8").replace(/^\/\/# sourceMappingURL=.*$/m, "");
for (const [name, entry] of Object.entries(ENTRIES)) {
  await bundle(entry, join(binDir, `${name}.bundle.cjs`));
  const launcher = join(binDir, `${name}.cjs`);
  writeFileSync(
    launcher,
    `#!/usr/bin/env node\n// Made by scripts/bundle.ts: runs ${name}.bundle.cjs with its code cache; below, scripts/launch/loader.cts as tsc emits it.\n${loader}\nlaunch(require("node:path").join(__dirname, "${name}.bundle.cjs"));\n`,
  );
  chmodSync(launcher, 0o755);
}

for (const [name, entry] of Object.entries(WORKERS)) await bundle(entry, join(binDir, `${name}.cjs`));
await bundle("watchdog/core/zod-schemas.js", join(binDir, "zod-schemas.cjs"), false);

// The code caches, from one real run of each in a scratch folder with this Node: a cache
// made at exit holds every function the run compiled, not only the top level. Nothing is
// sent: the environment has no Telegram, witness or alert settings. If a run fails, the
// cache of its top level alone is written instead.
const scratch = mkdtempSync(join(tmpdir(), "wk-bundle-"));
try {
  const config = join(scratch, "watchkeeper.config.json");
  writeFileSync(config, JSON.stringify({ cycle: { schedule: "* * * * * *" } }));
  const env = { PATH: process.env.PATH ?? "", HOME: scratch, WATCHKEEPER_LOG: "json", WATCHKEEPER_LOG_LEVEL: "silent" };
  const { warm } = createRequire(import.meta.url)(distFile("scripts/launch/loader.cjs")) as { warm: (file: string) => number };
  for (const [name, args] of [["cycle", []], ["watchdog", []], ["remind", []], ["watchkeeper", ["status"]]] as const) {
    const file = join(binDir, `${name}.bundle.cjs`);
    const r = spawnSync(process.execPath, [join(binDir, `${name}.cjs`), ...args, "--config", config], { cwd: scratch, env, encoding: "utf8", timeout: 30_000 });
    if (!existsSync(`${file}.cache`)) warm(file);
    const why = existsSync(`${file}.cache`) ? "" : " (none: not writable here)";
    process.stdout.write(`dist/bin/${name}.cjs: code cache ${(statSync(`${file}.cache`, { throwIfNoEntry: false })?.size ?? 0) >> 10} KB from a run (${r.status === null ? "killed" : `exit ${r.status}`})${why}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
