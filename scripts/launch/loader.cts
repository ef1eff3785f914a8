/**
 * Runs an entrypoint bundle (dist/bin/NAME.bundle.cjs) through V8's code cache. Node 20
 * has no compile cache of its own, and compiling the bundle is a large part of what a
 * timer pays on every start. A cache that does not fit this Node or V8 is rejected by V8
 * and the bundle is simply compiled, so a Node upgrade can slow a start but never stop it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

type Bundle = { main?: () => unknown };

function compile(file: string, cachedData: Buffer | undefined): { script: Script; run: () => Bundle } {
  // A shebang is only valid on a file's first line, not inside the wrapper: keep the line count, drop the text.
  const source = readFileSync(file, "utf8").replace(/^#!.*/, "");
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const run = () => {
    const mod = { exports: {} as Bundle };
    (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
    return mod.exports;
  };
  return { script, run };
}

function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.cache.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, `${file}.cache`);
  } catch {
    // Best effort: a read-only install runs uncached.
    rmSync(tmp, { force: true });
  }
}

/**
 * import() inside the bundle has no module loader behind it (vm's importModuleDynamically
 * option is lost when the script comes from cachedData, in Node 20), so the bundle borrows
 * this file's: see dynamicImport() in pipeline/load-strategy.ts.
 */
const IMPORT = Symbol.for("watchkeeper.import");

/** Runs the bundle's main(). */
export function launch(file: string): void {
  (globalThis as Record<symbol, unknown>)[IMPORT] = (specifier: string) => import(specifier);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(`${file}.cache`);
  } catch {
    cached = undefined;
  }
  const { script, run } = compile(file, cached);
  // Rebuilt after a Node upgrade, once, at exit, when it no longer costs the run anything.
  if (cached === undefined || script.cachedDataRejected) process.once("exit", () => writeCache(file, script.createCachedData()));
  const bundle = run();
  if (typeof bundle.main !== "function") throw new Error(`${file} exports no main()`);
  void bundle.main();
}

/** At build time: evaluates the bundle's top level (not main) and writes its code cache. */
export function warm(file: string): number {
  const { script, run } = compile(file, undefined);
  run();
  const data = script.createCachedData();
  writeCache(file, data);
  return data.length;
}
