/**
 * The built-in strategies (pipeline/strategies/NAME.ts) by name, for the cycle bundle.
 * Here, unbundled, there are none: loadStrategy() imports dist/pipeline/strategies/NAME.js
 * by path. scripts/bundle.ts swaps this module for one that names every file in that
 * folder at build time, so the cycle's bundle carries them inside and a built-in strategy
 * loads without starting Node's ES module loader (~5 ms of every cycle here).
 */
export function builtinStrategy(name: string): Promise<Record<string, unknown>> | undefined {
  void name;
  return undefined;
}
