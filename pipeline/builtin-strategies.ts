/**
 * Strategies carried inside the cycle bundle, by name. Here, unbundled, there are none:
 * loadStrategy() imports dist/pipeline/strategies/NAME.js by path. scripts/bundle.ts swaps
 * this module for one that holds the strategies shipped with watchkeeper (the demo), so
 * the default cycle loads its strategy without starting Node's ES module loader.
 */
export function builtinStrategy(name: string): Promise<Record<string, unknown>> | undefined {
  void name;
  return undefined;
}
