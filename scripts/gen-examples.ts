/**
 * The example jobs committed in systemd/example/ and plists/example/: the same
 * generator as `watchkeeper install`, on the default config and fixed sample paths.
 * `--check` fails when they drift from the generator.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../watchdog/core/config.js";
import { renderLaunchd } from "./install/launchd.js";
import { renderSystemd } from "./install/systemd.js";
import type { InstallContext } from "./install/jobs.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function exampleFiles(): { dir: string; name: string; content: string }[] {
  const config = parseConfig({}, "watchkeeper.config.json");
  const linux: InstallContext = {
    projectDir: "/home/trader/watchkeeper",
    nodePath: "/usr/bin/node",
    configPath: "/home/trader/watchkeeper/watchkeeper.config.json",
    dataDir: "/home/trader/watchkeeper/data",
    memoryDir: "/home/trader/watchkeeper/memory",
    logDir: "/home/trader/watchkeeper/logs",
    envFile: "/home/trader/watchkeeper/watchkeeper.env",
    scope: "user",
    user: "trader",
    localTz: "UTC",
    nowMs: Date.parse("2026-01-01T00:00:00Z"),
    prefix: "watchkeeper",
    config,
  };
  const mac: InstallContext = {
    ...linux,
    projectDir: "/Users/trader/watchkeeper",
    nodePath: "/opt/homebrew/bin/node",
    configPath: "/Users/trader/watchkeeper/watchkeeper.config.json",
    dataDir: "/Users/trader/watchkeeper/data",
    memoryDir: "/Users/trader/watchkeeper/memory",
    logDir: "/Users/trader/watchkeeper/logs",
    envFile: "/Users/trader/watchkeeper/watchkeeper.env",
    // A Mac in New York with the config in UTC shows both conversions.
    localTz: "America/New_York",
  };
  return [
    ...renderSystemd(linux).files.map((f) => ({ dir: "systemd/example", ...f })),
    ...renderLaunchd(mac).files.map((f) => ({ dir: "plists/example", ...f })),
  ];
}

if (process.argv[1]?.endsWith("gen-examples.js")) {
  const check = process.argv.includes("--check");
  const drift: string[] = [];
  for (const f of exampleFiles()) {
    const path = join(ROOT, f.dir, f.name);
    if (check) {
      let current = "";
      try {
        current = readFileSync(path, "utf8");
      } catch {
        // missing counts as drift
      }
      if (current !== f.content) drift.push(`${f.dir}/${f.name}`);
    } else {
      mkdirSync(join(ROOT, f.dir), { recursive: true });
      writeFileSync(path, f.content);
    }
  }
  if (drift.length) {
    process.stderr.write(`example jobs out of date: ${drift.join(", ")}: run npm run examples\n`);
    process.exit(1);
  }
  if (!check) process.stdout.write("wrote systemd/example/ and plists/example/\n");
}
