/**
 * Build step after tsc: each scheduled entrypoint and the operator command become one
 * CommonJS file in dist/bin/ (NAME.bundle.cjs) with a warm V8 code cache beside it, and a
 * small launcher (NAME.cjs) that timers, `npm start` and the `watchkeeper` bin run.
 * One file instead of a tree of ES modules saves resolving, reading and linking ~150
 * modules on every start; the cache saves compiling them (see README, Performance).
 * The strategy and the worker threads stay separate files, loaded from dist/ by path.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { build } from "rolldown";
import { distFile } from "../watchdog/core/where.js";

const ENTRIES: Record<string, string> = {
  cycle: "pipeline/cycle.js",
  watchdog: "watchdog/watchdog.js",
  remind: "watchdog/remind.js",
  watchkeeper: "scripts/watchkeeper.js",
};

const binDir = distFile("bin");
rmSync(binDir, { recursive: true, force: true });
mkdirSync(binDir, { recursive: true });

for (const [name, entry] of Object.entries(ENTRIES)) {
  await build({
    input: distFile(entry),
    platform: "node",
    // Builtins stay require()s; everything else, our code and the packages, is inlined.
    external: [/^node:/],
    logLevel: "warn",
    output: { file: join(binDir, `${name}.bundle.cjs`), format: "cjs", codeSplitting: false, sourcemap: true },
  });
  const launcher = join(binDir, `${name}.cjs`);
  writeFileSync(
    launcher,
    `#!/usr/bin/env node\n// Made by scripts/bundle.ts: runs ${name}.bundle.cjs with its code cache.\nrequire("../scripts/launch/loader.cjs").launch(require("node:path").join(__dirname, "${name}.bundle.cjs"));\n`,
  );
  chmodSync(launcher, 0o755);
}

// Warm the caches in a child-free way: evaluate each bundle's top level here, with the Node that will run it.
const { warm } = createRequire(import.meta.url)(distFile("scripts/launch/loader.cjs")) as { warm: (file: string) => number };
for (const name of Object.keys(ENTRIES)) {
  const bytes = warm(join(binDir, `${name}.bundle.cjs`));
  process.stdout.write(`dist/bin/${name}.cjs (code cache ${(bytes / 1024).toFixed(0)} KB)\n`);
}
