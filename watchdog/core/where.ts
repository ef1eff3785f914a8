import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The project folder: the nearest folder above this code that holds package.json. Found by
 * walking up, not by a fixed "../..", because this module runs both from the tsc output
 * (dist/watchdog/core/) and inlined into an entrypoint bundle (dist/bin/).
 */
export function projectDir(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return (cached = dir);
}

/** What timers, `npm start` and doctor run: the launchers scripts/bundle.ts makes, by path under dist/. */
export const SCHEDULED = { cycle: "bin/cycle.cjs", watchdog: "bin/watchdog.cjs", remind: "bin/remind.cjs" } as const;

/** A built file, by its path under dist/ (for example "bin/watchdog.cjs"). */
export function distFile(rel: string): string {
  return join(projectDir(), "dist", rel);
}
