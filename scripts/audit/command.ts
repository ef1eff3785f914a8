import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { flagValue, type EntryContext } from "../../watchdog/core/cli.js";
import { EXIT, WkError, errno } from "../../watchdog/core/errors.js";
import { formatHead } from "../../watchdog/core/journal.js";
import { isoSec } from "../../watchdog/core/time.js";
import { parseExpectHead, type VerifySummary } from "./verify.js";
import { verifyInWorker } from "./verify-worker.js";
import { collect, renderReport } from "./report.js";

function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shown = -1;
  return (done, total) => {
    if (total < 8 << 20) return;
    const pct = Math.floor((done / total) * 100);
    if (pct === shown) return;
    shown = pct;
    const w = 30;
    const fill = Math.round((pct / 100) * w);
    process.stderr.write(`\r[${"#".repeat(fill)}${".".repeat(w - fill)}] ${pct}% ${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB${pct === 100 ? "\n" : ""}`);
  };
}

async function verify(ctx: EntryContext, file: string): Promise<VerifySummary> {
  const eh = flagValue(ctx.args, "--expect-head");
  const expect = eh === undefined ? null : parseExpectHead(eh);
  if (eh !== undefined && !expect) throw new WkError("USAGE", `--expect-head: expected SEQ:HASH (the "Audit head" of an alert, e.g. 1234:ab12cd34ef56a7b8), got "${eh}"`);
  try {
    return await verifyInWorker(file, expect, progressBar());
  } catch (err) {
    if (errno(err) === "ENOENT") throw new WkError("USAGE", `${file}: no such log`);
    throw err;
  }
}

function summaryText(file: string, s: VerifySummary): string {
  const out = [`${file}: ${s.ok ? "INTACT" : "TAMPERED"}`];
  for (const i of s.issues.slice(0, 1)) out.push(`  first bad line: ${i.line}: ${i.problem}: ${i.detail}`);
  if (s.issues.length > 1) out.push(`  (${s.issues.length - 1} more problem(s) after it)`);
  out.push(`  records: ${s.records} in ${s.lines} lines, ${s.firstAt !== null ? isoSec(s.firstAt * 1000) : "-"} to ${s.lastAt !== null ? isoSec(s.lastAt * 1000) : "-"}`);
  out.push(`  trips: ${s.trips}, resumes: ${s.resumes}, torn lines: ${s.tornSealed} sealed${s.tornAtEnd ? ", 1 at the end not yet sealed" : ""}`);
  out.push(`  head: ${s.head ? formatHead(s.head) : "-"}`);
  for (const n of s.notes.slice(0, 10)) out.push(`  note: ${n}`);
  return out.join("\n");
}

/** `audit verify` and `audit report`: an auditor's tools over the data files alone. */
export async function auditMain(ctx: EntryContext): Promise<number> {
  const sub = ctx.args.find((a) => a === "verify" || a === "report");
  if (!sub) throw new WkError("USAGE", "usage: watchkeeper audit verify [--file LOG] [--expect-head SEQ:HASH] [--json] | audit report --out FILE.html [--file LOG]");
  const file = resolve(flagValue(ctx.args, "--file") ?? ctx.paths.decisions);
  const s = await verify(ctx, file);
  if (sub === "verify") {
    process.stdout.write((ctx.args.includes("--json") ? JSON.stringify({ file, ...s }, null, 2) : summaryText(file, s)) + "\n");
    return s.ok ? EXIT.OK : EXIT.FAILED;
  }
  const out = flagValue(ctx.args, "--out");
  if (!out) throw new WkError("USAGE", "audit report needs --out FILE.html");
  const data = await collect(file, { expr: ctx.loaded.config.cycle.schedule, tz: ctx.loaded.config.timezone });
  writeFileSync(resolve(out), renderReport(file, s, data, new Date(ctx.now())));
  process.stdout.write(`${summaryText(file, s)}\nreport: ${resolve(out)}\n`);
  return s.ok ? EXIT.OK : EXIT.FAILED;
}
