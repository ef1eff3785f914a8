import { spawnSync } from "node:child_process";

/**
 * A test that needs a system tool says so when the tool is missing; in CI (CI=true)
 * a missing tool is a failure, not a skip.
 */
export function tool(cmd: string, debianPackage: string): { ok: boolean; why: string } {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  const ok = r.status === 0;
  const why = `${cmd} is not installed (Debian package ${debianPackage}): apt-get install -y ${debianPackage}`;
  if (!ok) {
    if (process.env.CI === "true") throw new Error(`CI: ${why}`);
    process.stdout.write(`SKIPPING tests that need ${cmd}: ${why}\n`);
  }
  return { ok, why };
}
