import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { messageOf, WkError } from "../watchdog/core/errors.js";
import { distFile } from "../watchdog/core/where.js";
import { builtinStrategy } from "./builtin-strategies.js";
import type { Strategy, StrategyFactory } from "./strategy.js";

function isStrategy(x: unknown): x is Strategy {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as Strategy).name === "string" &&
    Array.isArray((x as Strategy).layers) &&
    (x as Strategy).layers.every((l) => typeof l?.name === "string" && typeof l?.run === "function")
  );
}

/** import(), or the launcher's when this runs bundled from V8's code cache (see scripts/launch/loader.cts). */
function dynamicImport(url: string): Promise<Record<string, unknown>> {
  const lent = (globalThis as Record<symbol, unknown>)[Symbol.for("watchkeeper.import")];
  return (typeof lent === "function" ? lent(url) : import(url)) as Promise<Record<string, unknown>>;
}

/** A bare name ("demo") is a built-in strategy; anything else is a path from the config's folder. */
export async function loadStrategy(
  moduleSpec: string,
  baseDir: string,
  options: Readonly<Record<string, unknown>>,
): Promise<Strategy> {
  const builtin = /^[a-z0-9][a-z0-9-]*$/.test(moduleSpec);
  const url = builtin
    ? pathToFileURL(distFile(`pipeline/strategies/${moduleSpec}.js`)).href
    : pathToFileURL(resolve(baseDir, moduleSpec)).href;
  let mod: Record<string, unknown>;
  try {
    mod = await ((builtin ? builtinStrategy(moduleSpec) : undefined) ?? dynamicImport(url));
  } catch (err) {
    const missing = (err as { code?: string }).code === "ERR_MODULE_NOT_FOUND";
    throw new WkError(
      "CONFIG",
      missing && builtin
        ? `strategy.module: no built-in strategy "${moduleSpec}" (built-ins live in pipeline/strategies/; run npm run build after adding one)`
        : `strategy.module: cannot load ${builtin ? moduleSpec : resolve(baseDir, moduleSpec)} (${messageOf(err)})`,
      { cause: err },
    );
  }
  const exported = mod.default ?? mod.strategy;
  const strategy = typeof exported === "function" ? (exported as StrategyFactory)(options) : exported;
  if (!isStrategy(strategy))
    throw new WkError("CONFIG", `strategy.module: ${moduleSpec} does not export a strategy ({ name, layers: [{ name, run }] }) as default`);
  return strategy;
}
