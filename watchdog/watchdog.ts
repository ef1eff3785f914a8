import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, readHeartbeat, describeCircuit } from "./core/state.js";
import { tripCircuit } from "./core/circuit.js";
import { flushOutbox } from "./core/outbox.js";
import { tripAlert } from "./core/messages.js";
import { appendRecords } from "./core/journal.js";
import { epochSec, isoSec } from "./core/time.js";
import { EXIT } from "./core/errors.js";
import { decideWatchdog, FUTURE_TOLERANCE_SEC, REASON_TITLE } from "./decide.js";
import { alertDeps, raiseAlert } from "./alerting.js";


export async function watchdogMain(ctx: EntryContext): Promise<number> {
  const { paths, log, now } = ctx;
  const hb = readHeartbeat(paths.heartbeat);
  const circuit = readCircuit(paths.circuit);
  if (circuit.state === "paused" && !circuit.valid)
    log.error({ circuit: paths.circuit }, `circuit file ${describeCircuit(circuit)}; treating it as paused until a person fixes it`);

  const plan = decideWatchdog(
    hb,
    circuit,
    { maxAgeSec: ctx.loaded.config.watchdog.maxAgeSec, futureToleranceSec: FUTURE_TOLERANCE_SEC },
    now(),
  );
  const deps = alertDeps(ctx);

  if (plan.verdict.healthy) {
    log.info({ verdict: "healthy", circuit: describeCircuit(circuit) }, plan.verdict.note);
  } else if (plan.action === "none") {
    log.warn({ verdict: plan.verdict.reason, circuit: describeCircuit(circuit) }, `unhealthy (${plan.verdict.detail}); ${plan.note}`);
  } else {
    const v = plan.verdict;
    // The trip is written first: nothing that happens to the alert can undo or delay it.
    const res = await tripCircuit(paths.circuit, paths.circuitLock, {
      reason: `${REASON_TITLE[v.reason]}: ${v.detail}`,
      by: "watchdog",
      now,
      extra: { check: v.reason },
    });
    if (!res.tripped) {
      log.warn(`circuit was paused by someone else meanwhile (${describeCircuit(res.existing)}); keeping that cause`);
    } else {
      log.error({ verdict: v.reason, circuit: paths.circuit }, `CIRCUIT TRIPPED: ${REASON_TITLE[v.reason]}: ${v.detail}`);
      const t = now();
      try {
        await appendRecords(
          paths.decisions,
          paths.decisionsLock,
          [{ at: epochSec(t), iso: isoSec(t), kind: "trip", cycle: null, by: "watchdog", check: v.reason, reason: res.circuit.reason }],
          { now, cycle: null },
        );
      } catch (err) {
        log.error({ err }, "could not record the trip in the decision log (the circuit is tripped)");
      }
      await raiseAlert(
        deps,
        "trip",
        tripAlert({
          host: ctx.host,
          reason: REASON_TITLE[v.reason],
          detail: v.detail,
          sinceSec: res.circuit.since ?? epochSec(t),
          circuitPath: paths.circuit,
          nowDoing: "PAUSED: every cycle exits at once without trading until a person resumes",
        }),
      );
      return EXIT.OK;
    }
  }
  await flushOutbox(deps, deps.channel, deps.maxPerRun);
  return EXIT.OK;
}

if (isMain(import.meta.url)) void runEntry("watchdog", watchdogMain);
