/** npm run simulate [-- --days N]: a month of the real watchdog decision on a fake clock. */
import { defaultScenario, simulate } from "./simulation.js";
import { humanDuration } from "../watchdog/core/time.js";

const i = process.argv.indexOf("--days");
const days = i >= 0 ? Number(process.argv[i + 1]) : 31;
const o = defaultScenario(days);
const t0 = Date.now();
const r = simulate(o);
const ms = Date.now() - t0;

const local = (t: number | null) =>
  t === null
    ? "-"
    : new Intl.DateTimeFormat("en-CA", { timeZone: o.timezone, dateStyle: "short", timeStyle: "short", hourCycle: "h23" }).format(t).replace(",", "");
const pad = (s: string, n: number) => s.padEnd(n);
console.log(`schedule "${o.cycleSchedule}" in ${o.timezone}, watchdog "${o.watchdogSchedule}", ${days} days from ${new Date(o.fromMs).toISOString().slice(0, 10)}`);
console.log(`timeoutSec ${o.timeoutSec}, graceSec ${o.graceSec}, stallSec ${o.stallSec}, maxUnproductive ${o.maxUnproductive}; ${o.sleeps.length} sleeps; operator resumes ${humanDuration(o.resumeAfterMs / 1000)} after a trip\n`);
console.log([pad("fault", 12), pad("injected", 17), pad("hit cycle", 17), pad("detected", 17), pad("as", 11), pad("delay", 9), pad("bound", 9), "ok"].join(" "));
for (const row of r.rows) {
  const delay = row.detectedMs !== null && row.hitMs !== null ? humanDuration((row.detectedMs - row.hitMs) / 1000) : "-";
  const bound = row.boundMs !== null && row.hitMs !== null ? humanDuration((row.boundMs - row.hitMs) / 1000) : "-";
  console.log([pad(row.kind, 12), pad(local(row.injectedMs), 17), pad(local(row.hitMs), 17), pad(local(row.detectedMs), 17), pad(row.verdict ?? "-", 11), pad(delay, 9), pad(bound, 9), row.withinBound ? "yes" : "NO"].join(" "));
}
const caught = r.rows.filter((x) => x.withinBound).length;
console.log(`\n${caught}/${r.rows.length} faults detected within their bound; false trips: ${r.falseTrips.length}`);
for (const f of r.falseTrips) console.log(`  false trip at ${local(f.atMs)}: ${f.detail}`);
console.log(`${r.cycles} cycles, ${r.watchdogRuns} watchdog runs, ${r.sleepsNoticed} wakes from sleep noticed, ${r.resumes} resumes; simulated in ${ms} ms`);
process.exit(caught === r.rows.length && r.falseTrips.length === 0 ? 0 : 1);
