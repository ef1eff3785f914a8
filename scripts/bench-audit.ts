/**
 * npm run bench:audit [-- --records N]: audit verify on generated logs of growing size.
 * Prints time, throughput and peak memory; memory must not grow with the log.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GENESIS, sha256 } from "../watchdog/core/journal.js";

/** Writes a valid chained log of `n` decision records, as the runner would. */
export function generateLog(path: string, n: number): void {
  const fd = openSync(path, "w");
  let prev = GENESIS;
  let buf: string[] = [];
  const t0 = 1_790_000_000;
  for (let seq = 1; seq <= n; seq++) {
    const at = t0 + Math.floor(seq / 2) * 5;
    const line = JSON.stringify({ seq, at, iso: new Date(at * 1000).toISOString().replace(".000Z", "Z"), kind: "decision", cycle: `c${seq >> 1}`, action: seq % 7 === 0 ? "buy" : "hold", symbol: seq % 2 ? "DEMO-A" : "DEMO-B", qty: 10, price: 100 + (seq % 13), strategy: "demo", layer: "decide", prev });
    prev = sha256(line);
    buf.push(line);
    if (buf.length === 10_000) {
      writeSync(fd, buf.join("\n") + "\n");
      buf = [];
    }
  }
  if (buf.length) writeSync(fd, buf.join("\n") + "\n");
  closeSync(fd);
}

const probe = fileURLToPath(new URL("./audit/verify-probe.js", import.meta.url));

if (process.argv[1]?.endsWith("bench-audit.js")) {
  const i = process.argv.indexOf("--records");
  const sizes = i >= 0 ? [Number(process.argv[i + 1])] : [100_000, 1_000_000, 3_000_000];
  const dir = mkdtempSync(join(tmpdir(), "wk-bench-"));
  console.log("audit verify, streaming, in a process with a 64 MB heap cap");
  console.log("records      size MB   verify s   MB/s   records/s   peak RSS MB");
  try {
    for (const n of sizes) {
      const file = join(dir, `log-${n}.jsonl`);
      generateLog(file, n);
      const mb = statSync(file).size / 1e6;
      // A 64 MB heap cap: if verify held the log, or any part that grows with it, it would die here.
      const r = spawnSync(process.execPath, ["--max-old-space-size=64", probe, file], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(r.stderr);
      const { ms, maxRssKb, ok } = JSON.parse(r.stdout) as { ms: number; maxRssKb: number; ok: boolean };
      if (!ok) throw new Error("generated log did not verify");
      console.log(`${String(n).padStart(9)}  ${mb.toFixed(0).padStart(8)}  ${(ms / 1000).toFixed(2).padStart(9)}  ${(mb / (ms / 1000)).toFixed(0).padStart(5)}  ${Math.round(n / (ms / 1000)).toString().padStart(10)}  ${(maxRssKb / 1024).toFixed(0).padStart(12)}`);
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
