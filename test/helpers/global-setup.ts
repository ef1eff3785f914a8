import { existsSync } from "node:fs";

/** The end-to-end tests spawn the built entrypoints; `npm test` builds first. */
export default function setup(): void {
  if (!existsSync(new URL("../../dist/bin/watchkeeper.cjs", import.meta.url)))
    throw new Error("dist/ is missing: run `npm run build` (npm test does it for you)");
}
