import { skippedOffSchedule } from "./core/cli.js";
import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, readHeartbeat, readProgress, readWatchdogRecord, describeCircuit } from "./core/state.js";
import { tripCircuit } from "./core/circuit.js";
import { escapeHtml, tripAlert } from "./core/messages.js";
import { atomicWriteFile } from "./core/fsx.js";
import { epochSec, isoSec } from "./core/time.js";
import { EXIT, messageOf } from "./core/errors.js";
import { withWitness } from "./core/witness.js";
import { decideWatchdog, REASON_TITLE } from "./decide.js";
import { lockView, watchdogSettings } from "./settings.js";
import { stopRunner, type StopResult } from "./kill.js";
import { alertDeps, flushAll, raiseAlert, sendNow } from "./alerting.js";
import { noticeCircuitChanges } from "./core/resume.js";
import { formatHead, recordEvent, type Head } from "./core/journal.js";
import { printOut } from "./core/log.js";

/** The watchdog, itself watched from outside when witness.watchdog is set. */
export function watchdogMain(ctx: EntryContext): Promise<number> {
  return withWitness(ctx, ctx.loaded.config.witness.watchdog, () => runWatchdog(ctx), (code) => {
    const rec = readWatchdogRecord(ctx.paths.watchdogRecord);
    return { status: code, log: rec ? `${rec.verdict}: ${rec.detail ?? ""}` : "ran" };
  });
}

async function runWatchdog(ctx: EntryContext): Promise<number> {
  const { paths, log, now } = ctx;
  if (skippedOffSchedule(ctx, ctx.loaded.config.watchdog.schedule)) return EXIT.OK;
  const t0 = now();
  const circuit = readCircuit(paths.circuit);
  await noticeCircuitChanges(paths, circuit, now, log);
  if (circuit.state === "paused" && !circuit.valid)
    log.error({ circuit: paths.circuit }, `circuit file ${describeCircuit(circuit)}; treating it as paused until a person fixes it`);
  const plan = decideWatchdog(
    {
      heartbeat: readHeartbeat(paths.heartbeat),
      circuit,
      progress: readProgress(paths.progress),
      lock: lockView(paths.cycleLock, t0),
      previous: readWatchdogRecord(paths.watchdogRecord),
    },
    watchdogSettings(ctx.loaded.config),
    t0,
  );
  if (plan.slept) log.warn(`the watchdog's last run is long ago: the machine probably slept; giving the cycle one scheduled slot from now (${isoSec(t0)}) to catch up`);
  // Who watches the watchdog: its own last run and verdict, for status and the reminder.
  try {
    atomicWriteFile(paths.watchdogRecord, JSON.stringify({ ...plan.record, pid: process.pid }, null, 2) + "\n");
  } catch (err) {
    log.error({ err: messageOf(err) }, "could not record this watchdog run");
  }
  const deps = alertDeps(ctx);
  const v = plan.verdict;

  if (v.healthy) {
    log.info({ verdict: "healthy", circuit: describeCircuit(circuit) }, v.note);
    await flushAll(deps);
    return EXIT.OK;
  }
  (plan.action === "trip" || plan.kill ? log.error.bind(log) : log.warn.bind(log))(
    { verdict: v.reason, streak: plan.record.streak, circuit: describeCircuit(circuit) },
    `unhealthy: ${v.detail}; ${plan.note}`,
  );

  let tripped: { since: number; reason: string } | null = null;
  let head: Head | null = null;
  if (plan.action === "trip") {
    // The trip is written first: nothing that happens to the kill or the alert can undo or delay it.
    let res;
    try {
      res = await tripCircuit(paths, {
        reason: `${REASON_TITLE[v.reason]}: ${v.detail}`,
        by: "watchdog",
        now,
        extra: { check: v.reason },
        onRecordError: (e) => log.error({ err: messageOf(e) }, "could not record the trip in the decision log (the circuit is tripped)"),
      });
    } catch (err) {
      // The disk is full or read-only: the pause cannot be written. Say so loudly, straight
      // through every channel (the outboxes live on the same disk), and fail the run.
      const why = messageOf(err);
      log.error({ verdict: v.reason }, `CANNOT TRIP THE CIRCUIT: ${why}; the pipeline is unhealthy (${v.detail}) and NOT paused`);
      const delivered = await sendNow(
        deps,
        `🆘 <b>watchkeeper on ${escapeHtml(ctx.host)}: cannot pause the pipeline</b>\nUnhealthy: ${escapeHtml(v.detail)}\nWriting ${escapeHtml(paths.circuit)} failed: ${escapeHtml(why)}\nStop the pipeline by hand and free the disk.`,
      );
      if (delivered === 0) printOut(`ALERT: cannot pause the pipeline: ${why}\n`);
      throw err;
    }
    if (res.tripped) {
      tripped = { since: res.circuit.since ?? epochSec(now()), reason: res.circuit.reason ?? v.detail };
      head = res.head;
      log.error({ verdict: v.reason, circuit: paths.circuit }, `CIRCUIT TRIPPED: ${REASON_TITLE[v.reason]}: ${v.detail}`);
    } else log.warn(`circuit was paused by someone else meanwhile (${describeCircuit(res.existing)}); keeping that cause`);
  }

  let stopped: StopResult | null = null;
  if (plan.kill) {
    log.error({ pid: plan.kill.pid, cycle: plan.kill.cycle }, `KILLING stalled cycle runner pid ${plan.kill.pid}`);
    stopped = await stopRunner(plan.kill.pid, plan.kill.cycle, paths.reports, ctx.loaded.config.watchdog.killGraceSec * 1000);
    log.error(
      { pid: plan.kill.pid, outcome: stopped.outcome, report: stopped.report, steps: stopped.steps },
      `stalled runner pid ${plan.kill.pid}: ${stopped.outcome} (${stopped.steps.join(", ")})${stopped.report ? `; diagnostic report ${stopped.report}` : ""}`,
    );
  }

  const t = now();
  if (plan.kill && stopped)
    head =
      (await recordEvent(paths, now, "kill", { by: "watchdog", pid: plan.kill.pid, cycle: plan.kill.cycle, outcome: stopped.outcome, steps: stopped.steps, report: stopped.report }, (e) =>
        log.error({ err: messageOf(e) }, "could not record the kill in the decision log"),
      )) ?? head;

  if (tripped || stopped) {
    const killLine = stopped && plan.kill
      ? `Stalled runner pid ${plan.kill.pid} ${stopped.outcome === "terminated" ? "stopped with SIGTERM" : stopped.outcome === "killed" ? "killed with SIGKILL" : stopped.outcome === "gone" ? "was already gone" : "SURVIVED SIGKILL"}` +
        (stopped.report ? `; diagnostic report: ${stopped.report}` : "; no diagnostic report (its event loop was blocked)")
      : null;
    await raiseAlert(
      deps,
      tripped ? "trip" : "kill",
      tripAlert({
        host: ctx.host,
        reason: REASON_TITLE[v.reason],
        detail: killLine ? `${v.detail}. ${killLine}` : v.detail,
        sinceSec: tripped?.since ?? epochSec(t),
        circuitPath: paths.circuit,
        nowDoing: "PAUSED: every cycle exits at once without trading until a person resumes",
        ...(head ? { auditHead: formatHead(head) } : {}),
      }),
    );
    return EXIT.OK;
  }
  await flushAll(deps);
  return EXIT.OK;
}

/** What dist/bin/watchdog.cjs calls: the bundled entrypoint. */
export const main = (): Promise<never> => runEntry("watchdog", watchdogMain);
if (isMain(import.meta.url)) void main();
