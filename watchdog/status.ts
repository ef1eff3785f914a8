import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, readHeartbeat, describeCircuit, type CircuitState, type HeartbeatState } from "./core/state.js";
import { pendingAll } from "./core/outbox.js";
import { telegramFromConfig } from "./core/telegram.js";
import { alertDeps } from "./alerting.js";
import { resumeCommand } from "./core/messages.js";
import { humanDuration, isoSec } from "./core/time.js";
import { errno } from "./core/errors.js";
import { judge, watchdogLiveness, type Judgement } from "./decide.js";
import { lockView, watchdogSettings } from "./settings.js";
import { readProgress, readWatchdogRecord } from "./core/state.js";
import { printOut } from "./core/log.js";

/** Nagios plugin convention, so monit, Icinga or a shell `if` can use it. */
export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

export interface StatusSummary {
  code: 0 | 1 | 2 | 3;
  state: "OK" | "WARNING" | "CRITICAL" | "UNKNOWN";
  circuit: { paused: boolean; detail: string; reason?: string; by?: string; since?: number };
  heartbeat: { status: string | null; at: number | null; ageSec: number | null; verdict: string };
  watchdog: string;
  pendingAlerts: number;
  lastDecisions: unknown[];
  resume: string | null;
  problems: string[];
}

export interface StatusInput {
  judgement: Judgement;
  circuit: CircuitState;
  heartbeat: HeartbeatState;
  pendingAlerts: number;
  lastDecisions: unknown[];
  circuitPath: string;
  /** Why alerts cannot reach anyone, or null. */
  alertsNotReady: string | null;
  watchdog: { ok: boolean; detail: string };
  nowMs: number;
}

/** Pure: the operator's summary and its exit code. */
export function summarize(i: StatusInput): StatusSummary {
  const problems: string[] = [];
  let code: StatusSummary["code"] = 0;
  const raise = (c: 1 | 2, why: string) => {
    problems.push(why);
    if (c > code) code = c;
  };
  const { circuit, judgement } = i;
  const verdict = judgement.verdict;
  if (circuit.state === "paused") raise(2, describeCircuit(circuit));
  if (!verdict.healthy) raise(2, verdict.detail);
  if (i.pendingAlerts > 0) raise(1, `${i.pendingAlerts} alert(s) not yet delivered`);
  if (i.alertsNotReady) raise(1, i.alertsNotReady);
  if (!i.watchdog.ok) raise(1, i.watchdog.detail);
  const beat = i.heartbeat.kind === "present" ? i.heartbeat.heartbeat : null;
  const pausedCircuit = circuit.state === "paused" && circuit.valid ? circuit.circuit : null;
  return {
    code,
    state: (["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const)[code],
    circuit: {
      paused: circuit.state === "paused",
      detail: describeCircuit(circuit),
      ...(pausedCircuit?.reason !== undefined ? { reason: pausedCircuit.reason } : {}),
      ...(pausedCircuit?.by !== undefined ? { by: pausedCircuit.by } : {}),
      ...(pausedCircuit?.since !== undefined ? { since: pausedCircuit.since } : {}),
    },
    heartbeat: {
      status: beat?.status ?? null,
      at: beat?.at ?? null,
      ageSec: beat ? Math.round(i.nowMs / 1000 - beat.at) : null,
      verdict: verdict.healthy ? verdict.note : verdict.detail,
    },
    watchdog: i.watchdog.detail,
    pendingAlerts: i.pendingAlerts,
    lastDecisions: i.lastDecisions,
    resume: circuit.state === "paused" ? resumeCommand(i.circuitPath) : null,
    problems,
  };
}

/** The last `n` complete lines of a JSON-lines file, read from its tail only. */
export function tailRecords(path: string, n: number): unknown[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return [];
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split("\n");
    if (len < size) lines.shift(); // probably a partial first line
    const out: unknown[] = [];
    for (const l of lines.reverse()) {
      if (out.length >= n) break;
      try {
        out.push(JSON.parse(l));
      } catch {
        // torn or partial line
      }
    }
    return out.reverse();
  } finally {
    closeSync(fd);
  }
}

export function renderStatus(s: StatusSummary, nowMs: number): string {
  const lines = [`watchkeeper ${s.state}`];
  lines.push(`  circuit:   ${s.circuit.detail}${s.circuit.since ? ` since ${isoSec(s.circuit.since * 1000)} (${humanDuration(nowMs / 1000 - s.circuit.since)})` : ""}`);
  lines.push(`  heartbeat: ${s.heartbeat.status ?? "none"}${s.heartbeat.ageSec !== null ? `, ${humanDuration(s.heartbeat.ageSec)} old` : ""}: ${s.heartbeat.verdict}`);
  lines.push(`  watchdog:  ${s.watchdog}`);
  lines.push(`  alerts:    ${s.pendingAlerts} waiting in the outbox`);
  if (s.lastDecisions.length) {
    lines.push("  last decisions:");
    for (const d of s.lastDecisions) {
      const r = d as Record<string, unknown>;
      lines.push(`    ${String(r.iso ?? "?")} ${String(r.kind ?? "?")} ${[r.action, r.symbol, r.qty !== undefined ? `x${String(r.qty)}` : "", r.price !== undefined ? `@${String(r.price)}` : "", r.reason ?? ""].filter((x) => x !== undefined && x !== "").join(" ")}`);
    }
  }
  for (const p of s.problems) lines.push(`  ! ${p}`);
  if (s.resume) lines.push("", "To resume, after you have checked why:", `  ${s.resume}`);
  return lines.join("\n");
}

/** The summary from the files as they are now. */
export function currentStatus(ctx: EntryContext): StatusSummary {
  const { paths, loaded, now } = ctx;
  const channel = telegramFromConfig(loaded.config.telegram, ctx.env);
  const t = now();
  const circuit = readCircuit(paths.circuit);
  const heartbeat = readHeartbeat(paths.heartbeat);
  const settings = watchdogSettings(loaded.config);
  const record = readWatchdogRecord(paths.watchdogRecord);
  return summarize({
    judgement: judge(
      { heartbeat, circuit, progress: readProgress(paths.progress), lock: lockView(paths.cycleLock, t), previous: record, ownRun: false },
      settings,
      t,
    ),
    circuit,
    heartbeat,
    pendingAlerts: pendingAll(alertDeps(ctx)),
    lastDecisions: tailRecords(paths.decisions, 5),
    circuitPath: paths.circuit,
    // With another channel configured, Telegram being unset is a choice, not a gap.
    alertsNotReady: channel.notReady && !(loaded.config.alerts.command && channel.notReady.startsWith("Telegram is not set up")) ? channel.notReady : null,
    watchdog: watchdogLiveness(record, settings, t),
    nowMs: t,
  });
}

/** The same text `watchkeeper status` prints (the bot's /status). */
export function statusText(ctx: EntryContext): string {
  return renderStatus(currentStatus(ctx), ctx.now());
}

export async function statusMain(ctx: EntryContext): Promise<number> {
  const s = currentStatus(ctx);
  printOut((ctx.args.includes("--json") ? JSON.stringify(s, null, 2) : renderStatus(s, ctx.now())) + "\n");
  return s.code;
}

if (isMain(import.meta.url)) void runEntry("status", statusMain);
