import { createReadStream } from "node:fs";
import { nextRun, parseCron } from "../../watchdog/core/cron.js";
import { formatHead } from "../../watchdog/core/journal.js";
import type { VerifySummary } from "./verify.js";

/** Every line of a file, as text, streamed. */
export async function* lines(path: string): AsyncGenerator<string> {
  let carry = "";
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 }) as AsyncIterable<string>) {
    const parts = (carry + chunk).split("\n");
    carry = parts.pop() ?? "";
    yield* parts;
  }
  if (carry) yield carry;
}

interface Day {
  ok: number;
  notOk: number;
  decisions: number;
  trips: number;
  resumes: number;
  alerts: number;
}

interface Book {
  qty: number;
  cost: number;
  realized: number;
  last: number;
}

export interface ReportData {
  days: Map<string, Day>;
  events: Record<string, unknown>[];
  badCycles: Record<string, unknown>[];
  decisions: Record<string, unknown>[];
  books: Map<string, Book>;
  expectedPerDay: Map<string, number>;
}

const EVENT_KINDS = new Set(["trip", "resume", "pause-noticed", "kill", "aborted", "lock-recovered", "torn-line-sealed", "alert-sent", "alert-failed", "alert-printed", "reminder", "unit-failed"]);
const MAX_ROWS = 5000;

export async function collect(path: string, schedule: { expr: string; tz: string } | null): Promise<ReportData> {
  const days = new Map<string, Day>();
  const events: Record<string, unknown>[] = [];
  const badCycles: Record<string, unknown>[] = [];
  const decisions: Record<string, unknown>[] = [];
  const books = new Map<string, Book>();
  let first: number | null = null;
  let last: number | null = null;
  const day = (at: number) => {
    const k = new Date(at * 1000).toISOString().slice(0, 10);
    let d = days.get(k);
    if (!d) days.set(k, (d = { ok: 0, notOk: 0, decisions: 0, trips: 0, resumes: 0, alerts: 0 }));
    return d;
  };
  for await (const line of lines(path)) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (typeof r.at !== "number" || typeof r.kind !== "string") continue;
    first ??= r.at;
    last = r.at;
    const d = day(r.at);
    const kind = r.kind;
    if (kind === "cycle") {
      if (r.status === "ok") d.ok++;
      else {
        d.notOk++;
        if (badCycles.length < MAX_ROWS) badCycles.push(r);
      }
    } else if (kind === "aborted") d.notOk++;
    if (kind === "decision") {
      d.decisions++;
      decisions.push(r);
      if (decisions.length > 2000) decisions.shift();
      const sym = typeof r.symbol === "string" ? r.symbol : null;
      const qty = typeof r.qty === "number" ? r.qty : 0;
      const price = typeof r.price === "number" ? r.price : null;
      if (sym && price !== null) {
        let b = books.get(sym);
        if (!b) books.set(sym, (b = { qty: 0, cost: 0, realized: 0, last: price }));
        b.last = price;
        if ((r.action === "buy" || r.action === "sell") && qty > 0) {
          const signed = r.action === "buy" ? qty : -qty;
          // Closing part of a position realizes P&L at the average cost.
          if (b.qty !== 0 && Math.sign(signed) !== Math.sign(b.qty)) {
            const closing = Math.min(Math.abs(signed), Math.abs(b.qty));
            const avg = b.cost / b.qty;
            b.realized += closing * (price - avg) * Math.sign(b.qty);
            b.cost -= avg * closing * Math.sign(b.qty);
            b.qty += Math.sign(signed) * closing;
            const rest = Math.abs(signed) - closing;
            if (rest > 0) {
              b.qty += Math.sign(signed) * rest;
              b.cost += Math.sign(signed) * rest * price;
            }
          } else {
            b.qty += signed;
            b.cost += signed * price;
          }
        }
      }
    }
    if (kind === "trip") d.trips++;
    if (kind === "resume") d.resumes++;
    if (kind.startsWith("alert-")) d.alerts++;
    if (EVENT_KINDS.has(kind) && events.length < MAX_ROWS) events.push(r);
  }
  const expectedPerDay = new Map<string, number>();
  if (schedule && first !== null && last !== null && last - first < 400 * 86400) {
    const c = parseCron(schedule.expr);
    for (let t = nextRun(c, first * 1000 - 1, schedule.tz), n = 0; t !== null && t <= last * 1000 && n < 500_000; t = nextRun(c, t, schedule.tz), n++) {
      const k = new Date(t).toISOString().slice(0, 10);
      expectedPerDay.set(k, (expectedPerDay.get(k) ?? 0) + 1);
    }
  }
  return { days, events, badCycles, decisions, books, expectedPerDay };
}

const esc = (v: unknown) =>
  String(v ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

function barChart(id: string, title: string, rows: { label: string; parts: { value: number; cls: string; name: string }[] }[]): string {
  const w = 900;
  const h = 180;
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((a, p) => a + p.value, 0)));
  const bw = rows.length ? Math.min(40, Math.max(2, Math.floor((w - 40) / rows.length) - 1)) : 0;
  const bars = rows
    .map((r, i) => {
      let y = h - 20;
      return r.parts
        .map((p) => {
          const bh = Math.round((p.value / max) * (h - 40));
          y -= bh;
          return bh > 0 ? `<rect class="${p.cls}" x="${30 + i * (bw + 1)}" y="${y}" width="${bw}" height="${bh}"><title>${esc(r.label)}: ${p.value} ${esc(p.name)}</title></rect>` : "";
        })
        .join("");
    })
    .join("");
  const labels = rows.length ? `<text x="30" y="${h - 4}">${esc(rows[0]!.label)}</text><text x="${w - 10}" y="${h - 4}" text-anchor="end">${esc(rows.at(-1)!.label)}</text>` : "";
  return `<figure id="${id}"><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${w} ${h}" width="100%" role="img" aria-label="${esc(title)}"><text x="2" y="14">${max}</text><line x1="28" y1="${h - 20}" x2="${w}" y2="${h - 20}" class="axis"/>${bars}${labels}</svg></figure>`;
}

function table(id: string, title: string, cols: string[], rows: unknown[][]): string {
  return `<section class="tbl"><h2>${esc(title)} <small>(${rows.length})</small></h2><input type="search" placeholder="search ${esc(title.toLowerCase())}" data-filter="${id}" aria-label="search ${esc(title)}"><table id="${id}"><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</tbody></table></section>`;
}

export function renderReport(file: string, v: VerifySummary, d: ReportData, generatedAt: Date): string {
  const dayKeys = [...new Set([...d.days.keys(), ...d.expectedPerDay.keys()])].sort();
  const timeline = dayKeys.map((k) => {
    const x = d.days.get(k) ?? { ok: 0, notOk: 0, decisions: 0, trips: 0, resumes: 0, alerts: 0 };
    const missing = Math.max(0, (d.expectedPerDay.get(k) ?? 0) - x.ok - x.notOk);
    return { label: k, parts: [{ value: x.ok, cls: "ok", name: "ok" }, { value: x.notOk, cls: "bad", name: "not ok" }, { value: missing, cls: "miss", name: "missing" }] };
  });
  const perDay = dayKeys.map((k) => ({ label: k, parts: [{ value: d.days.get(k)?.decisions ?? 0, cls: "dec", name: "decisions" }] }));
  const verdict = v.ok ? "INTACT" : "TAMPERED";
  const books = [...d.books.entries()].map(([sym, b]) => {
    const unreal = b.qty * b.last - b.cost;
    return [sym, b.qty, b.last.toFixed(2), b.realized.toFixed(2), unreal.toFixed(2), (b.realized + unreal).toFixed(2)];
  });
  const total = [...d.books.values()].reduce((a, b) => a + b.realized + (b.qty * b.last - b.cost), 0);
  const trips = d.events.filter((e) => ["trip", "resume", "pause-noticed", "kill"].includes(String(e.kind)));
  const alerts = d.events.filter((e) => String(e.kind).startsWith("alert-") || e.kind === "reminder" || e.kind === "unit-failed");
  const other = d.events.filter((e) => ["aborted", "lock-recovered", "torn-line-sealed"].includes(String(e.kind)));
  const totals = [...d.days.values()].reduce((a, x) => ({ ok: a.ok + x.ok, notOk: a.notOk + x.notOk }), { ok: 0, notOk: 0 });
  const expected = [...d.expectedPerDay.values()].reduce((a, b) => a + b, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>watchkeeper audit report</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 6px}small{color:#666;font-weight:normal}
.verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:bold;color:#fff}.INTACT{background:#1a7f37}.TAMPERED{background:#cf222e}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:12px 0}dt{color:#555}dd{margin:0}
figure{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}svg text{font-size:11px;fill:#555}.axis{stroke:#999}
rect.ok{fill:#2da44e}rect.bad{fill:#cf222e}rect.miss{fill:#d4a72c}rect.dec{fill:#0969da}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
table{border-collapse:collapse;width:100%;font-size:12px}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f6f8fa}
input[type=search]{width:320px;padding:4px;margin-bottom:6px}.issue{color:#cf222e}
@media print{input[type=search]{display:none}body{margin:0}tr,figure{page-break-inside:avoid}h2{page-break-after:avoid}}
</style></head><body>
<h1>watchkeeper audit report</h1>
<p><span class="verdict ${verdict}" id="verdict">${verdict}</span> <code>${esc(file)}</code> <small>generated ${esc(generatedAt.toISOString())}</small></p>
<dl id="summary">
<dt>records</dt><dd>${v.records} in ${v.lines} lines</dd>
<dt>period</dt><dd>${v.firstAt !== null ? esc(new Date(v.firstAt * 1000).toISOString()) : "-"} to ${v.lastAt !== null ? esc(new Date(v.lastAt * 1000).toISOString()) : "-"}</dd>
<dt>head</dt><dd><code>${v.head ? esc(formatHead(v.head)) : "-"}</code></dd>
<dt>cycles</dt><dd>${totals.ok} ok, ${totals.notOk} not ok${expected ? `, ${Math.max(0, expected - totals.ok - totals.notOk)} scheduled but not recorded` : ""}</dd>
<dt>trips / resumes</dt><dd>${v.trips} / ${v.resumes}</dd>
<dt>torn lines</dt><dd>${v.tornSealed} sealed${v.tornAtEnd ? ", 1 at the end (not yet sealed)" : ""}</dd>
<dt>paper P&amp;L</dt><dd>${total.toFixed(2)}</dd>
</dl>
${v.issues.map((i) => `<p class="issue">line ${i.line}: ${esc(i.problem)}: ${esc(i.detail)}</p>`).join("")}
${v.notes.slice(0, 20).map((n) => `<p><small>note: ${esc(n)}</small></p>`).join("")}
<p class="legend"><span><i style="background:#2da44e"></i>ok</span><span><i style="background:#cf222e"></i>not ok</span><span><i style="background:#d4a72c"></i>scheduled, not recorded</span></p>
${barChart("timeline", "Cycles per day", timeline)}
${barChart("per-day", "Decisions per day", perDay)}
${table("t-trips", "Trips, pauses and resumes", ["seq", "time", "kind", "by", "reason / check"], trips.map((e) => [e.seq, e.iso, e.kind, e.by, e.reason ?? e.previousReason ?? e.check ?? e.outcome]))}
${table("t-positions", "Paper positions and P&L", ["symbol", "position", "last price", "realized", "unrealized", "total"], books)}
${table("t-alerts", "Alerts", ["seq", "time", "kind", "alert", "channel", "error"], alerts.map((e) => [e.seq, e.iso, e.kind, e.alert ?? "", e.channel ?? "", e.error ?? ""]))}
${table("t-bad", "Cycles not ok", ["seq", "time", "cycle", "status", "layer", "error"], d.badCycles.map((e) => [e.seq, e.iso, e.cycle, e.status, e.layer, e.error]))}
${table("t-other", "Aborts, recovered locks, sealed torn lines", ["seq", "time", "kind", "cycle", "detail"], other.map((e) => [e.seq, e.iso, e.kind, e.cycle, e.reason ?? e.why ?? e.tornBytes]))}
${table("t-decisions", `Decisions (last ${d.decisions.length})`, ["seq", "time", "cycle", "action", "symbol", "qty", "price", "strategy"], d.decisions.map((e) => [e.seq, e.iso, e.cycle, e.action, e.symbol, e.qty, e.price, e.strategy]))}
<script>
for (const input of document.querySelectorAll("input[data-filter]")) {
  input.addEventListener("input", () => {
    const q = input.value.toLowerCase();
    for (const row of document.getElementById(input.dataset.filter).tBodies[0].rows)
      row.hidden = q !== "" && !row.textContent.toLowerCase().includes(q);
  });
}
</script>
</body></html>
`;
}
