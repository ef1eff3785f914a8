/**
 * npm run bench [-- --quick]: every cost measured against its floor in the same run,
 * as ratios of medians (with min and max), printed and written to bench-results.json.
 *   1. start-up of each entrypoint vs `node -e 0`
 *   2. the safety layer in one cycle vs the same durable operations done directly: as
 *      many file fsyncs, renames and folder fsyncs as the cycle did
 *   3. audit verify vs sha256sum (the floor) and jq (what an auditor would run)
 */
import { spawnSync } from "node:child_process";
import fs, { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { syncBuiltinESMExports } from "node:module";
import { generateLog } from "./bench-audit.js";
import { distFile, projectDir, SCHEDULED } from "../watchdog/core/where.js";

const ROOT = projectDir();
const quick = process.argv.includes("--quick");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const TIME = has("/usr/bin/time") ? "/usr/bin/time" : null;

interface Stat {
  median: number;
  min: number;
  max: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
};
const fmt = (x: number, d = 0) => x.toFixed(d);

/** Wall time (ms) and, with /usr/bin/time, peak RSS (KB) of one command. */
function measure(cmd: string[], cwd: string, env: NodeJS.ProcessEnv): { ms: number; rssKb: number | null; status: number | null; stderr: string } {
  const t0 = performance.now();
  const r = TIME ? spawnSync(TIME, ["-f", "%M", ...cmd], { cwd, env, encoding: "utf8" }) : spawnSync(cmd[0]!, cmd.slice(1), { cwd, env, encoding: "utf8" });
  const ms = performance.now() - t0;
  const rss = TIME ? Number(/(\d+)\s*$/.exec(r.stderr.trim())?.[1]) : NaN;
  return { ms, rssKb: Number.isFinite(rss) ? rss : null, status: r.status, stderr: r.stderr };
}

/** Sleeps into the next whole second: each measured cycle gets a scheduled slot of its own. */
function nextSecond(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000 - (Date.now() % 1000) + 20);
}

const results: Record<string, unknown> = { machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "?", node: process.version, platform: process.platform }, at: new Date().toISOString() };

// 1. Start-up ------------------------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), "wk-bench-"));
  const config = join(dir, "watchkeeper.config.json");
  writeFileSync(config, JSON.stringify({ cycle: { schedule: "* * * * * *" }, strategy: { options: { barSec: 1 } } }));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, WATCHKEEPER_LOG: "json", WATCHKEEPER_CONFIG: config };
  const node = process.execPath;
  // What the timers run (dist/bin: one bundle each, with its code cache), and, as the
  // "before", the same entrypoints as tsc emits them (a tree of ES modules).
  // Each must do its real job: a full ok cycle, a healthy watchdog, a green reminder. An
  // unexpected exit stops the bench (a re-run of one slot, or a trip, would be measured as a fast exit).
  const cmds: Record<string, { cmd: string[]; target: number | null; ok: number[]; slot?: boolean }> = {
    "node -e 0": { cmd: [node, "-e", "0"], target: 1, ok: [0] },
    watchdog: { cmd: [node, distFile(SCHEDULED.watchdog)], target: 1.25, ok: [0] },
    remind: { cmd: [node, distFile(SCHEDULED.remind)], target: 1.25, ok: [0] },
    status: { cmd: [node, distFile("bin/watchkeeper.cjs"), "status"], target: 1.25, ok: [0, 1] }, // 1: Telegram is not set up
    cycle: { cmd: [node, distFile(SCHEDULED.cycle)], target: 1.5, ok: [0], slot: true },
    // Not a target: Node plus the file work a watchdog run must do anyway (read the config
    // and three state files, replace one durably, log one line), in a plain script. What
    // separates an entrypoint from this is code: loading it and running it.
    "node + file work": { cmd: [node, join(dir, "file-work.cjs")], target: null, ok: [0] },
    "watchdog (ESM)": { cmd: [node, distFile("watchdog/watchdog.js")], target: null, ok: [0] },
    "cycle (ESM)": { cmd: [node, distFile("pipeline/cycle.js")], target: null, ok: [0], slot: true },
  };
  writeFileSync(
    join(dir, "file-work.cjs"),
    `const fs = require("fs");
for (const f of [process.env.WATCHKEEPER_CONFIG, "data/heartbeat.json", "data/watchdog.json", "data/progress.json"]) { try { JSON.parse(fs.readFileSync(f, "utf8")); } catch {} }
const fd = fs.openSync("data/floor.json.tmp", "w"); fs.writeSync(fd, JSON.stringify({ at: Date.now() })); fs.fsyncSync(fd); fs.closeSync(fd);
fs.renameSync("data/floor.json.tmp", "data/floor.json");
const d = fs.openSync("data", "r"); fs.fsyncSync(d); fs.closeSync(d);
fs.writeSync(2, JSON.stringify({ level: 30, time: Date.now(), msg: "ok" }) + "\\n");
`,
  );
  // A healthy state to start from: a beat, a watchdog record, a green circuit.
  spawnSync(node, [distFile(SCHEDULED.cycle)], { cwd: dir, env });
  spawnSync(node, [distFile(SCHEDULED.watchdog)], { cwd: dir, env });
  const runs = quick ? 5 : 15;
  const samples: Record<string, { ms: number[]; rss: number[] }> = {};
  for (let i = 0; i < runs; i++)
    for (const [name, c] of Object.entries(cmds)) {
      if (c.slot) nextSecond();
      const m = measure(c.cmd, dir, env);
      if (!c.ok.includes(m.status ?? -1)) throw new Error(`bench: ${name} exited ${m.status}, not ${c.ok.join(" or ")}:\n${m.stderr.slice(-800)}`);
      (samples[name] ??= { ms: [], rss: [] }).ms.push(m.ms);
      if (m.rssKb !== null) samples[name]!.rss.push(m.rssKb);
    }
  const base = stat(samples["node -e 0"]!.ms).median;
  const baseRss = samples["node -e 0"]!.rss.length ? stat(samples["node -e 0"]!.rss).median : null;
  console.log(`\n1. Start-up, ${runs} runs each, interleaved (wall time; peak RSS via ${TIME ?? "n/a"})`);
  console.log("   entrypoint          median ms   min    max    ratio   target  met   peak RSS MB  RSS ratio");
  const rows: unknown[] = [];
  for (const [name, c] of Object.entries(cmds)) {
    const s = stat(samples[name]!.ms);
    const rss = samples[name]!.rss.length ? stat(samples[name]!.rss).median : null;
    const ratio = s.median / base;
    const met = c.target !== null && ratio <= c.target;
    rows.push({ name, ...s, ratio, target: c.target, met, rssKb: rss, rssRatio: rss && baseRss ? rss / baseRss : null });
    console.log(
      `   ${name.padEnd(18)} ${fmt(s.median).padStart(9)} ${fmt(s.min).padStart(6)} ${fmt(s.max).padStart(6)} ${fmt(ratio, 2).padStart(7)}x ${(c.target === null ? (name.includes("ESM") ? "before" : "ref") : `${c.target}x`).padStart(7)}  ${name === "node -e 0" || c.target === null ? "  -" : met ? "yes" : " NO"}  ${rss === null ? "n/a" : fmt(rss / 1024).padStart(11)}  ${rss && baseRss ? fmt(rss / baseRss, 2) + "x" : ""}`,
    );
  }
  results.startup = rows;
  rmSync(dir, { recursive: true, force: true });
}

// 2. Safety overhead per cycle -------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), "wk-bench-"));
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "null.mjs"), `export default { name: "null", layers: ["a","b","c","d"].map((name, i) => ({ name, async run(ctx) { if (i === 2) { await ctx.decide({ action: "buy", symbol: "X", qty: 1, price: 1, n: Math.random() }); await ctx.decide({ action: "sell", symbol: "Y", qty: 1, price: 1, n: Math.random() }); } } })) };`);
  const config = join(dir, "watchkeeper.config.json");
  writeFileSync(config, JSON.stringify({ cycle: { schedule: "* * * * * *" }, strategy: { module: "./null.mjs" } }));
  // Count the durable operations the safety layer does, by watching fsync and rename in this process.
  const ops = { file: 0, dir: 0, rename: 0 };
  const realFsync = fs.fsyncSync;
  const realRename = fs.renameSync;
  (fs as { fsyncSync: typeof fs.fsyncSync }).fsyncSync = (fd) => {
    if (fs.fstatSync(fd).isDirectory()) ops.dir++;
    else ops.file++;
    realFsync(fd);
  };
  (fs as { renameSync: typeof fs.renameSync }).renameSync = (a, b) => {
    ops.rename++;
    realRename(a, b);
  };
  syncBuiltinESMExports(); // so `import { fsyncSync } from "node:fs"` sees the counter too
  const { prepare } = await import("../watchdog/core/cli.js");
  const { cycleMain } = await import("../pipeline/cycle.js");
  const { startSentinel } = await import("../pipeline/sentinel.js");
  process.env.WATCHKEEPER_LOG = "json";
  process.env.WATCHKEEPER_LOG_LEVEL = "silent";
  const cycles = quick ? 20 : 60;
  const cycleMs: number[] = [];
  // Every other cycle without its deadline thread (a stand-in that does nothing), to show
  // what the thread alone costs; the target is judged on the real ones.
  const noThreadMs: number[] = [];
  const noThread = { startSentinel: () => ({ enterLayer() {}, progress() {}, stop: async () => {} }) };
  let per = { file: 0, dir: 0, rename: 0 };
  for (let i = 0; i < cycles * 1.5; i++) {
    const real = i % 3 !== 2;
    const ctx = prepare("cycle", ["--config", config]);
    const before = { ...ops };
    const t0 = performance.now();
    const code = await cycleMain(ctx, real ? { startSentinel } : noThread);
    (real ? cycleMs : noThreadMs).push(performance.now() - t0);
    if (code !== 0) throw new Error(`bench cycle exited ${code}`);
    per = { file: ops.file - before.file, dir: ops.dir - before.dir, rename: ops.rename - before.rename };
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 5)); // next slot
  }
  (fs as { fsyncSync: typeof fs.fsyncSync }).fsyncSync = realFsync;
  (fs as { renameSync: typeof fs.renameSync }).renameSync = realRename;
  syncBuiltinESMExports();
  const opsPerCycle = per.file + per.dir;
  // The floor: the same durable operations, done directly: each rename a write + fsync +
  // rename of a small file, the other file fsyncs appends to a log, and the folder fsyncs.
  const floorMs: number[] = [];
  const data = join(dir, "data");
  for (let i = 0; i < cycles; i++) {
    const t0 = performance.now();
    for (let k = 0; k < per.file; k++) {
      const line = `{"k":${k},"i":${i},"pad":"${"x".repeat(200)}"}\n`;
      if (k < per.rename) {
        const p = join(data, `floor-${k}.json`);
        const fd = fs.openSync(`${p}.tmp`, "w");
        fs.writeSync(fd, line);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fs.renameSync(`${p}.tmp`, p);
      } else {
        const fd = fs.openSync(join(data, "floor.jsonl"), "a");
        fs.writeSync(fd, line);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
      }
    }
    for (let k = 0; k < per.dir; k++) {
      const fd = fs.openSync(data, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
    floorMs.push(performance.now() - t0);
  }
  // The same floor while the cycle's deadline thread boots beside it, as it does in every
  // cycle: what that thread alone costs the durable work on this machine.
  const { Worker } = await import("node:worker_threads");
  const threadMs: number[] = [];
  for (let i = 0; i < cycles; i++) {
    const worker = new Worker(distFile("bin/sentinel-worker.cjs"), {
      workerData: { deadlineAtMs: Date.now() + 60_000, graceMs: 1000, timeoutSec: 60, layerTimeoutSec: {}, heartbeatPath: join(data, "hb.json"), progressPath: join(data, "pg.json"), reportsDir: join(data, "r"), base: { cycle: "bench" } },
    });
    const t0 = performance.now();
    for (let k = 0; k < per.file; k++) {
      const fd = fs.openSync(join(data, k < per.rename ? `floor-${k}.json.tmp` : "floor.jsonl"), k < per.rename ? "w" : "a");
      fs.writeSync(fd, `{"k":${k},"i":${i},"pad":"${"x".repeat(200)}"}\n`);
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      if (k < per.rename) fs.renameSync(join(data, `floor-${k}.json.tmp`), join(data, `floor-${k}.json`));
    }
    for (let k = 0; k < per.dir; k++) {
      const fd = fs.openSync(data, "r");
      fs.fsyncSync(fd);
      fs.closeSync(fd);
    }
    threadMs.push(performance.now() - t0);
    worker.unref();
    void worker.terminate();
    await new Promise((r) => setTimeout(r, 100));
  }
  const a = stat(cycleMs);
  const b = stat(floorMs);
  const th = stat(threadMs);
  const nt = stat(noThreadMs);
  console.log(`\n2. Safety layer per cycle: a 4-layer, 2-decision cycle whose strategy does nothing else (${cycleMs.length} cycles)`);
  console.log(`   durable operations per cycle: ${opsPerCycle} fsyncs (${per.file} of files, ${per.rename} of them before a rename; ${per.dir} of folders)`);
  console.log(`   whole safety layer   median ${fmt(a.median, 1)} ms (min ${fmt(a.min, 1)}, max ${fmt(a.max, 1)})`);
  console.log(`   floor (the same fsyncs and renames, done directly)  median ${fmt(b.median, 1)} ms (min ${fmt(b.min, 1)}, max ${fmt(b.max, 1)})`);
  console.log(`   the floor while a deadline thread boots beside it (every cycle starts one)  median ${fmt(th.median, 1)} ms (min ${fmt(th.min, 1)}, max ${fmt(th.max, 1)})`);
  console.log(`   the safety layer without its deadline thread (${noThreadMs.length} cycles, interleaved)  median ${fmt(nt.median, 1)} ms (min ${fmt(nt.min, 1)}, max ${fmt(nt.max, 1)}): ${fmt(nt.median / b.median, 2)}x the floor`);
  console.log(`   ratio ${fmt(a.median / b.median, 2)}x   target 1.5x   met: ${a.median / b.median <= 1.5 ? "yes" : "NO"}`);
  results.safetyOverhead = { opsPerCycle, ops: per, cycle: a, withoutDeadlineThread: nt, floor: b, floorWithDeadlineThread: th, ratio: a.median / b.median, ratioWithoutThread: nt.median / b.median, target: 1.5 };
  rmSync(dir, { recursive: true, force: true });
}

// 3. Audit verify ------------------------------------------------------------
{
  const dir = mkdtempSync(join(tmpdir(), "wk-bench-"));
  const file = join(dir, "log.jsonl");
  generateLog(file, 1_000_000);
  const mb = statSync(file).size / 1e6;
  const probe = distFile("bin/watchkeeper.cjs"); // what an auditor runs
  const runs = quick ? 1 : 3;
  const timeIt = (cmd: string[], shell = false) => {
    const ms: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < runs; i++) {
      const m = shell ? measure(["sh", "-c", cmd.join(" ")], dir, process.env) : measure(cmd, dir, process.env);
      ms.push(m.ms);
      if (m.rssKb !== null) rss.push(m.rssKb);
    }
    return { ...stat(ms), rssKb: rss.length ? stat(rss).median : null };
  };
  const ours = timeIt([process.execPath, probe, "audit", "verify", "--file", file]);
  const sha = has("sha256sum") ? timeIt(["sha256sum", file]) : null;
  const jq = has("jq") ? timeIt(["jq", "-c", ".", file, ">", "/dev/null"], true) : null;
  console.log(`\n3. audit verify on 1,000,000 records (${fmt(mb)} MB), ${runs} run(s) each`);
  console.log("   tool                    median s   MB/s   peak RSS MB   verify is");
  const line = (name: string, s: { median: number; rssKb: number | null } | null, cmp: string) =>
    console.log(`   ${name.padEnd(22)} ${s ? fmt(s.median / 1000, 2).padStart(9) : "      n/a"} ${s ? fmt(mb / (s.median / 1000)).padStart(6) : "   n/a"} ${s?.rssKb ? fmt(s.rssKb / 1024).padStart(12) : "         n/a"}   ${cmp}`);
  line("watchkeeper audit verify", ours, "");
  line("sha256sum (floor)", sha, sha ? `${fmt(ours.median / sha.median, 2)}x the floor (target <= 4x): ${ours.median / sha.median <= 4 ? "met" : "NOT met"}` : "sha256sum not installed");
  line("jq -c . > /dev/null", jq, jq ? `${fmt(jq.median / ours.median, 2)}x faster than jq (target > 1x): ${ours.median < jq.median ? "met" : "NOT met"}` : "jq not installed");
  console.log(`   peak memory target < 100 MB: ${ours.rssKb === null ? "n/a" : ours.rssKb / 1024 < 100 ? "met" : "NOT met"}`);
  const res: Record<string, unknown> = { mb, ours, sha256sum: sha, jq };
  if (!quick) {
    rmSync(file);
    generateLog(file, 10_000_000);
    const big = timeIt([process.execPath, probe, "audit", "verify", "--file", file]);
    console.log(`   10,000,000 records (${fmt(statSync(file).size / 1e6)} MB): ${fmt(big.median / 1000, 1)} s, peak RSS ${big.rssKb ? fmt(big.rssKb / 1024) : "n/a"} MB (1M: ${ours.rssKb ? fmt(ours.rssKb / 1024) : "n/a"} MB): memory does not grow with the log`);
    res.tenMillion = big;
  }
  results.auditVerify = res;
  rmSync(dir, { recursive: true, force: true });
}

writeFileSync(join(ROOT, "bench-results.json"), JSON.stringify(results, null, 2) + "\n");
console.log(`\nwritten: ${join(ROOT, "bench-results.json")}`);
