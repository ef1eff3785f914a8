/**
 * npm run reliability [-- --size N]: tries hard to break every promise and prints what
 * was tried. Size 1: 100 kills, ~8,000 hostile inputs, 20 races. The test suite runs less.
 */
import { crashHarness } from "./reliability/crash.js";
import { hostileProperties } from "./reliability/hostile.js";
import { personVsWatchdog, twoWatchdogs } from "./reliability/races.js";

const i = process.argv.indexOf("--size");
const size = i >= 0 ? Math.max(1, Number(process.argv[i + 1])) : 1;
const t0 = Date.now();
const rows: { category: string; cases: number; faults: number; failures: number; lost: number; note: string }[] = [];

const crash = await crashHarness(100 * size, 42);
rows.push({
  category: "crash consistency (SIGKILL)",
  cases: crash.kills + crash.completedAnyway,
  faults: crash.kills,
  failures: crash.failures.length,
  lost: crash.lost + crash.duplicated,
  note: `${crash.cycleKills} cycle + ${crash.watchdogKills} watchdog kills; ${crash.acked} acknowledged decisions all present once; ${crash.tornSealed} torn lines sealed; ${crash.locksRecovered} locks recovered; chain ${crash.verified ? "verifies" : "BROKEN"}`,
});
const props = await hostileProperties(1000 * size);
const runs = props.reduce((a, p) => a + p.runs, 0);
rows.push({ category: "hostile input (fast-check)", cases: runs, faults: runs, failures: props.filter((p) => p.failed).length, lost: 0, note: `${props.length} properties: ${props.filter((p) => !p.failed).length} held` });
const person = await personVsWatchdog(10 * size);
const two = await twoWatchdogs(10 * size);
rows.push({ category: "races", cases: person.cases + two.cases, faults: person.cases + two.cases, failures: person.failures.length + two.failures.length, lost: person.failures.filter((f) => f.includes("lost")).length, note: "person pausing during a trip; two watchdogs at once" });

console.log(`\nwatchkeeper reliability, size ${size} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
console.log("category                       cases   faults injected   failures   data lost   notes");
for (const r of rows) console.log(`${r.category.padEnd(30)} ${String(r.cases).padStart(6)} ${String(r.faults).padStart(17)} ${String(r.failures).padStart(10)} ${String(r.lost).padStart(11)}   ${r.note}`);
console.log("\nOutages (Telegram refused, hanging, 500, 401, 429, malformed JSON), a full disk and a read-only folder are end-to-end tests in npm test.");
const failures = [...crash.failures, ...props.filter((p) => p.failed).map((p) => `${p.name}: ${p.counterexample}`), ...person.failures, ...two.failures];
for (const f of failures.slice(0, 20)) console.log(`FAILURE: ${f}`);
process.exit(failures.length ? 1 : 0);
