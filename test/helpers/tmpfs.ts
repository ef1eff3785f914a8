import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

/**
 * A small tmpfs, to make a real full disk or a read-only folder. Needs root (mount);
 * without it the tests that use it say so, and in CI (CI=true) they fail.
 */
export function canMount(): { ok: boolean; why: string } {
  const dir = `/tmp/wk-mount-probe-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", dir], { encoding: "utf8" });
  if (r.status === 0) spawnSync("umount", [dir]);
  const ok = r.status === 0;
  const why = ok ? "" : `cannot mount a tmpfs (${(r.stderr || r.error?.message || "").trim()}): these tests need root`;
  if (!ok) {
    if (process.env.CI === "true") throw new Error(`CI: ${why}`);
    process.stdout.write(`SKIPPING full-disk and read-only tests: ${why}\n`);
  }
  return { ok, why };
}

export function mountTmpfs(dir: string, sizeKb: number, readOnly = false): () => void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k${readOnly ? ",ro" : ""}`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
  return () => void spawnSync("umount", ["-l", dir]);
}

export function remountReadOnly(dir: string): void {
  const r = spawnSync("mount", ["-o", "remount,ro", dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`remount failed: ${r.stderr}`);
}
