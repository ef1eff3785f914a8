import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isMain, runEntry, skippedOffSchedule, version, type EntryContext } from "../watchdog/core/cli.js";
import { readCircuit, readHeartbeat, readProgress, describeCircuit, type CircuitState } from "../watchdog/core/state.js";
import { acquireLock, type Lock } from "../watchdog/core/lock.js";
import { appendRecords, formatHead, recordEvent } from "../watchdog/core/journal.js";
import { atomicWriteFile, liveTempFiles, parseJson, readState, removeFile } from "../watchdog/core/fsx.js";
import { EXIT, messageOf, WkError } from "../watchdog/core/errors.js";
import { redact } from "../watchdog/core/log.js";
import { withWitness } from "../watchdog/core/witness.js";
import { epochSec, isoSec } from "../watchdog/core/time.js";
import { crypto } from "../watchdog/core/lazy.js";
import type { Heartbeat } from "../watchdog/core/schemas.js";
import { parseCron, prevRun } from "../watchdog/core/cron.js";
import { tripCircuit } from "../watchdog/core/circuit.js";
import { raiseAlert } from "../watchdog/core/outbox.js";
import { buildAlertDeps } from "../watchdog/core/alert-deps.js";
import { tripAlert } from "../watchdog/core/messages.js";
import { noticeCircuitChanges } from "../watchdog/core/resume.js";
import { loadStrategy } from "./load-strategy.js";
import { startSentinel, type DeadlineInfo, type Sentinel } from "./sentinel.js";
import type { CycleContext, Decision, DecideResult, Invariant, Metrics } from "./strategy.js";
import { checkInvariants, decisionKey, increasesRisk, orderOf, type Breach } from "./risk.js";
import { RiskBook } from "./risk-book.js";
import { dataProgress } from "./productivity.js";
import { ProgressWriter } from "./progress.js";

/** A report lists the environment; make sure no secret survives in it. */
function scrubReport(file: string, secret: string | undefined): void {
  if (!secret) return;
  const text = readFileSync(file, "utf8");
  if (text.includes(secret)) writeFileSync(file, redact(text, { TELEGRAM_BOT_TOKEN: secret }));
}

/** Identifies one trip, so onPause runs once for it however many cycles start while paused. */
function pauseKey(c: CircuitState & { state: "paused" }): string {
  return c.valid ? `${c.circuit.since ?? ""}|${c.circuit.by ?? ""}|${c.circuit.reason ?? ""}` : `unreadable|${c.mtimeMs ?? ""}`;
}

function onPauseDoneFor(path: string): string | null {
  const r = readState(path);
  if (r.kind !== "text") return null;
  const j = parseJson(r.text);
  return j.ok && typeof (j.value as { tripKey?: unknown }).tripKey === "string" ? (j.value as { tripKey: string }).tripKey : null;
}

async function runOnPause(ctx: EntryContext, mode: "cancel" | "flatten" | "reduce-only", tripKey: string, path: string, circuit: string): Promise<void> {
  const cfg = ctx.loaded.config;
  const strategy = await loadStrategy(cfg.strategy.module, ctx.loaded.baseDir, cfg.strategy.options);
  const result = strategy.onPause
    ? await strategy.onPause({ options: cfg.strategy.options, memoryDir: ctx.loaded.memoryDir, now: ctx.now, log: ctx.log }, mode)
    : { note: "the strategy has no onPause hook: nothing cancelled" };
  ctx.log.error({ mode, result }, `circuit paused: ran the strategy's onPause (${mode}) once for this trip`);
  await recordEvent(ctx.paths, ctx.now, "on-pause", { mode, strategy: strategy.name, circuit, result }, (e) => ctx.log.error({ err: String(e) }, "could not record onPause"));
  atomicWriteFile(path, JSON.stringify({ tripKey, mode, at: isoSec(ctx.now()) }) + "\n");
}

function strategyBreach(invariants: readonly Invariant[], ctx: CycleContext): Breach | null {
  for (const inv of invariants) {
    const b = inv.check(ctx);
    if (b) return { invariant: inv.name, ...b };
  }
  return null;
}

export function newCycleId(nowMs: number): string {
  return `${isoSec(nowMs).replace(/[-:]/g, "")}-${crypto().randomBytes(2).toString("hex")}`;
}

interface BeatFields {
  status: string;
  mode?: string;
  error?: string;
  layer?: string;
  dataAt?: number;
  unproductive?: number;
  report?: string;
}

/**
 * The cycle, watched from outside when witness.cycle is set: a start ping before, the
 * exit status with a short log after. A paused cycle reports success with the reason in
 * its log: the machine and the runner are alive, and the pause is ours to nag about.
 */
export interface CycleDeps {
  /** The deadline thread; the bench swaps it out to show what the thread alone costs. */
  startSentinel: typeof startSentinel;
}

export function cycleMain(ctx: EntryContext, deps: CycleDeps = { startSentinel }): Promise<number> {
  return withWitness(ctx, ctx.loaded.config.witness.cycle, (w) => runCycle(ctx, w, deps), (code) => {
    if (code === EXIT.PAUSED) return { status: 0, log: `paused: ${describeCircuit(readCircuit(ctx.paths.circuit))}` };
    const hb = readHeartbeat(ctx.paths.heartbeat);
    const summary = hb.kind === "present" ? JSON.stringify({ status: hb.heartbeat.status, error: hb.heartbeat.error, layer: hb.heartbeat.layer, cycle: hb.heartbeat.cycle, decisions: hb.heartbeat.decisions }) : "no heartbeat";
    const progress = readProgress(ctx.paths.progress);
    return { status: code, log: `exit ${code}: ${summary}${progress ? `\nlast progress: ${progress.note}` : ""}` };
  });
}

async function runCycle(ctx: EntryContext, w: { rid: string } | null, deps: CycleDeps): Promise<number> {
  const { paths, log, now, loaded } = ctx;
  const cfg = loaded.config;
  // The runner drops the bot token from its environment: neither the strategy nor a
  // diagnostic report (which lists the environment) can see it. Risk alerts get it from
  // this closure.
  const secret = process.env.TELEGRAM_BOT_TOKEN;
  delete process.env.TELEGRAM_BOT_TOKEN;

  if (skippedOffSchedule(ctx, cfg.cycle.schedule)) return EXIT.OK;
  const atStart = readCircuit(paths.circuit);
  const pauseMode = cfg.risk.onPause;
  const tripKey = atStart.state === "paused" ? pauseKey(atStart) : null;
  const onPausePath = join(loaded.dataDir, "on-pause.json");
  if (tripKey !== null && pauseMode !== "reduce-only" && onPauseDoneFor(onPausePath) === tripKey) {
    (atStart.state === "paused" && atStart.valid ? log.warn.bind(log) : log.error.bind(log))(`circuit is ${describeCircuit(atStart)}: not running, nothing written`);
    return EXIT.PAUSED;
  }
  if (atStart.state === "green") await noticeCircuitChanges(paths, atStart, now, log);
  // The strategy may keep state in memory/ from its first layer on.
  mkdirSync(loaded.memoryDir, { recursive: true });
  const startMs = now();
  const cycleId = newCycleId(startMs);
  const lock: Lock = await acquireLock(paths.cycleLock, { purpose: "cycle", now, cycle: cycleId });
  let reduceOnly = false;
  if (tripKey !== null) {
    // Paused: once per trip, let the strategy deal with open risk (risk.onPause).
    try {
      if (onPauseDoneFor(onPausePath) !== tripKey) await runOnPause(ctx, pauseMode, tripKey, onPausePath, describeCircuit(atStart));
    } catch (err) {
      log.error({ err: messageOf(err) }, `onPause failed: ${messageOf(err)}; it is tried again on the next start`);
      lock.release();
      return EXIT.PAUSED;
    }
    if (pauseMode !== "reduce-only") {
      log.warn(`circuit is ${describeCircuit(atStart)}: not running`);
      lock.release();
      return EXIT.PAUSED;
    }
    reduceOnly = true;
    log.warn(`circuit is ${describeCircuit(atStart)}: running reduce-only (risk.onPause): decisions that would increase risk are dropped`);
  }
  const base = {
    cycle: cycleId,
    startedAt: epochSec(startMs),
    pid: process.pid,
    host: ctx.host,
    version: version(),
    strategy: cfg.strategy.module,
  };
  let decisions = 0;
  let currentLayer = "(start)";
  let finished = false;
  let deadline: DeadlineInfo | null = null;
  let sentinel: Sentinel | undefined;
  const abort = new AbortController();

  const writeHeartbeat = (fields: BeatFields): void => {
    const t = now();
    // at/iso/status first: the three fields a 20-line script reads.
    const hb: Heartbeat = Object.assign({ at: epochSec(t), iso: isoSec(t), status: fields.status }, base, fields, {
      at: epochSec(t),
      durationMs: t - startMs,
      decisions,
    }) as Heartbeat;
    atomicWriteFile(paths.heartbeat, JSON.stringify(hb, null, 2) + "\n");
    lastBeat = fields;
  };
  let lastBeat: BeatFields | null = null;
  /** The cycle's outcome, in the audit trail. */
  const recordOutcome = async () => {
    if (!lastBeat) return;
    try {
      await record("cycle", { status: lastBeat.status, error: lastBeat.error ?? null, layer: lastBeat.layer ?? null, decisions, durationMs: now() - startMs, startedAt: isoSec(startMs) });
    } catch (err) {
      log.error({ err: messageOf(err) }, "could not record the cycle's outcome");
    }
  };
  const record = (kind: string, fields: Record<string, unknown>) => {
    const t = now();
    return appendRecords(
      paths.decisions,
      paths.decisionsLock,
      [Object.assign({ at: epochSec(t), iso: isoSec(t), kind, cycle: cycleId }, fields, { at: epochSec(t), iso: isoSec(t), kind, cycle: cycleId })],
      { now, cycle: cycleId },
    );
  };
  const writeReport = (file: string): string => {
    mkdirSync(paths.reports, { recursive: true });
    process.report.writeReport(file);
    scrubReport(file, secret);
    return file;
  };

  const previousProgress = readProgress(paths.progress);
  if (previousProgress?.note.startsWith("aborted:"))
    log.warn({ previousCycle: previousProgress.cycle }, `the previous cycle was ${previousProgress.note}`);
  const progress = new ProgressWriter(paths.progress, cycleId, now, previousProgress?.step ?? 0, (p) => sentinel?.progress(p.note, p.step));

  if (lock.recovered) {
    log.error(
      { lock: paths.cycleLock, previous: lock.recovered.info },
      `recovered a cycle lock left behind (${lock.recovered.why}): the previous cycle died without finishing`,
    );
    await record("lock-recovered", {
      previousCycle: lock.recovered.info?.cycle ?? null,
      previousPid: lock.recovered.info?.pid ?? null,
      why: lock.recovered.why,
      lastProgress: previousProgress?.note ?? null,
    });
  }
  const previous = readHeartbeat(paths.heartbeat);

  // SIGTERM comes from our own sentinel at the deadline, from systemd's TimeoutStartSec,
  // from the watchdog stopping a stall, or from a person; SIGINT from Ctrl-C.
  // Either way: leave an honest trace, release the lock and go.
  const onSignal = (sig: NodeJS.Signals) => {
    if (finished) return;
    finished = true;
    abort.abort(new Error(sig));
    const why = deadline ? deadline.why : `cycle stopped by ${sig} in layer ${currentLayer}`;
    log.error({ layer: currentLayer, signal: sig, report: deadline?.report ?? null }, `ABORTED: ${why}`);
    void (async () => {
      try {
        if (!deadline) {
          writeHeartbeat({ status: "aborted", error: why, layer: currentLayer });
          progress.mark(`aborted: ${why}`, currentLayer, true);
        }
        await record("aborted", { layer: currentLayer, reason: why, signal: sig, report: deadline?.report ?? null });
      } catch (err) {
        log.error({ err: messageOf(err) }, "could not record the abort");
      } finally {
        for (const tmp of liveTempFiles) removeFile(tmp);
        lock.release();
        process.exit(deadline ? EXIT.TIMEOUT : sig === "SIGINT" ? 130 : 143);
      }
    })();
  };
  // The watchdog asks for a report before it stops a stalled cycle.
  const onReportRequest = () => {
    const file = join(paths.reports, `report-${cycleId}-${Date.now()}.json`);
    try {
      writeReport(file);
      log.error({ report: file, layer: currentLayer }, `diagnostic report written on request: ${file}`);
    } catch (err) {
      log.error({ err: messageOf(err) }, "could not write the diagnostic report");
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGUSR2", onReportRequest);

  const slotMs = prevRun(parseCron(cfg.cycle.schedule), startMs, cfg.timezone) ?? startMs;
  const book = new RiskBook(join(loaded.dataDir, "risk-state.json"), cfg.timezone, slotMs, startMs);
  let duplicate: Breach | null = null;
  const tripOnBreach = async (b: Breach, layerName: string, custom: boolean) => {
    const reason = `risk limit ${b.invariant} breached after layer ${layerName}: ${b.detail}`;
    const res = await tripCircuit(paths, {
      reason,
      by: "risk",
      now,
      extra: { invariant: b.invariant, value: b.value, limit: b.limit, custom },
      record: { tripCycle: cycleId },
      onRecordError: (e) => log.error({ err: String(e) }, "could not record the trip"),
    });
    writeHeartbeat({ status: "risk-breach", error: reason, layer: layerName });
    progress.mark(`stopped: ${reason}`, layerName, true);
    log.error({ invariant: b.invariant, value: b.value, limit: b.limit }, `CIRCUIT TRIPPED by risk: ${reason}; no later layer runs`);
    await recordOutcome();
    if (!res.tripped) {
      log.warn(`circuit was already paused (${describeCircuit(res.existing)}); keeping that cause`);
      return;
    }
    const t = now();
    const head = res.head;
    // At once, through the same outbox the watchdog uses; the token stays in this closure.
    await raiseAlert(
      buildAlertDeps(loaded, paths, { ...ctx.env, ...(secret ? { TELEGRAM_BOT_TOKEN: secret } : {}) }, now, log, ctx.host),
      "trip",
      tripAlert({
        host: ctx.host,
        reason: `risk limit breached: ${b.invariant}`,
        detail: `${b.detail}. Cycle ${cycleId} stopped after layer ${layerName}; no later layer ran.`,
        sinceSec: res.circuit.since ?? epochSec(t),
        circuitPath: paths.circuit,
        nowDoing: `PAUSED: on the next start risk.onPause "${cfg.risk.onPause}" runs once, then ${cfg.risk.onPause === "reduce-only" ? "cycles run but drop any decision that would increase risk" : "every cycle exits without trading"} until a person resumes`,
        ...(head ? { auditHead: formatHead(head) } : {}),
      }),
    );
  };

  let newestBarAt: number | undefined;
  try {
    const layerTimeoutSec: Record<string, number> = {};
    for (const [name, l] of Object.entries(cfg.cycle.layers)) if (l.timeoutSec !== undefined) layerTimeoutSec[name] = l.timeoutSec;
    sentinel = deps.startSentinel(
      {
        deadlineAtMs: Date.now() + cfg.cycle.timeoutSec * 1000,
        graceMs: cfg.cycle.abortGraceSec * 1000,
        timeoutSec: cfg.cycle.timeoutSec,
        layerTimeoutSec,
        heartbeatPath: paths.heartbeat,
        progressPath: paths.progress,
        reportsDir: paths.reports,
        base,
        ...(secret ? { secret } : {}),
        ...(w && cfg.witness.cycle ? { witness: { url: cfg.witness.cycle, rid: w.rid } } : {}),
      },
      {
        onDeadline: (d) => {
          deadline = d;
        },
        writeReport: (file) => void writeReport(file),
      },
    );
    progress.mark("cycle started", currentLayer, true);

    let strategy;
    try {
      strategy = await loadStrategy(cfg.strategy.module, loaded.baseDir, cfg.strategy.options);
    } catch (err) {
      currentLayer = "(load strategy)";
      throw err;
    }
    const cycleCtx: CycleContext = {
      cycleId,
      strategy: strategy.name,
      options: cfg.strategy.options,
      memoryDir: loaded.memoryDir,
      now,
      log: log.child({ cycle: cycleId }),
      signal: abort.signal,
      state: {},
      mode: reduceOnly ? "reduce-only" : "normal",
      decide: async (d: Decision): Promise<DecideResult> => {
        const key = decisionKey(slotMs, strategy.name, d);
        const seen = book.seen(key);
        const order = orderOf(d);
        if (seen === "this-cycle") {
          // The same decision twice in one cycle: a bug that sends orders twice. A breach.
          duplicate = { invariant: "noDuplicateDecision", value: 2, limit: 1, detail: `${d.action} ${typeof d.symbol === "string" ? d.symbol : ""} decided twice in cycle ${cycleId} (slot ${isoSec(slotMs)})` };
          return { accepted: false, reason: "duplicate decision in this cycle" };
        }
        if (seen === "earlier") {
          log.warn({ key }, `dropped: ${d.action} ${String(d.symbol ?? "")} was already decided for the slot ${isoSec(slotMs)} (a re-run of the same slot records and sends nothing twice)`);
          return { accepted: false, reason: "already decided for this scheduled slot" };
        }
        if (reduceOnly && order && increasesRisk(book.position(order.symbol), order)) {
          log.warn(`reduce-only: dropped ${order.side} ${order.qty} ${order.symbol} (position ${book.position(order.symbol)})`);
          await record("decision-dropped", { ...d, strategy: strategy.name, layer: currentLayer, reason: "reduce-only: would increase risk" });
          return { accepted: false, reason: "reduce-only: would increase risk" };
        }
        await record("decision", { ...d, strategy: strategy.name, layer: currentLayer, slot: isoSec(slotMs) });
        book.accept(key, order);
        decisions++;
        return { accepted: true };
      },
      report: (m: Metrics) => book.report(m),
      progress: (note: string) => progress.mark(note, currentLayer),
      reportData: (sec: number) => {
        newestBarAt = newestBarAt === undefined ? sec : Math.max(newestBarAt, sec);
      },
    };

    log.info({ cycle: cycleId, strategy: strategy.name }, "cycle started");
    for (const layer of strategy.layers) {
      const circuit = readCircuit(paths.circuit);
      if (circuit.state === "paused" && !reduceOnly) {
        log.warn({ layer: layer.name }, `circuit became ${describeCircuit(circuit)}: stopping before layer ${layer.name}`);
        progress.mark(`stopped before layer ${layer.name}: circuit paused`, layer.name, true);
        finished = true;
        return EXIT.PAUSED;
      }
      currentLayer = layer.name;
      sentinel.enterLayer(layer.name);
      progress.mark(`layer ${layer.name} started`, layer.name, true);
      await layer.run(cycleCtx);
      // Not forced: the next layer's start (or the end of the cycle) is written anyway.
      progress.mark(`layer ${layer.name} done`, layer.name);
      const breach = duplicate ?? checkInvariants(book.view(), cfg.risk) ?? strategyBreach(strategy.invariants ?? [], cycleCtx);
      if (breach) {
        finished = true;
        await tripOnBreach(breach, layer.name, strategy.invariants?.some((i) => i.name === breach.invariant) ?? false);
        return EXIT.FAILED;
      }
    }

    const prod = dataProgress(previous.kind === "present" ? previous.heartbeat : null, newestBarAt, cfg.cycle.maxUnproductive);
    finished = true;
    progress.mark(prod.stale ? "cycle finished: stale data" : "cycle finished", currentLayer, true);
    if (prod.stale) {
      writeHeartbeat({ status: "stale-data", error: prod.detail, layer: "market-data", ...prod.fields });
      await recordOutcome();
      log.error({ cycle: cycleId }, `cycle finished but made no progress: ${prod.detail}`);
      return EXIT.FAILED;
    }
    writeHeartbeat({ status: "ok", ...prod.fields, ...(reduceOnly ? { mode: "reduce-only" } : {}) });
    await recordOutcome();
    log.info({ cycle: cycleId, decisions, durationMs: now() - startMs }, "cycle ok");
    return EXIT.OK;
  } catch (err) {
    if (finished) throw err;
    finished = true;
    const msg = messageOf(err);
    const prod = dataProgress(previous.kind === "present" ? previous.heartbeat : null, undefined, cfg.cycle.maxUnproductive);
    try {
      writeHeartbeat({ status: "error", error: msg, layer: currentLayer, ...prod.fields });
      progress.mark(`failed in layer ${currentLayer}: ${msg}`, currentLayer, true);
      await recordOutcome();
    } catch (e2) {
      log.error({ err: messageOf(e2) }, "could not write the error heartbeat");
    }
    if (err instanceof WkError && err.code !== "LAYER_FAILED") throw err;
    log.error({ layer: currentLayer, err }, `cycle failed in layer ${currentLayer}: ${msg}`);
    return EXIT.FAILED;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.off("SIGUSR2", onReportRequest);
    await sentinel?.stop();
    lock.release();
  }
}

/** What dist/bin/cycle.cjs calls: the bundled entrypoint. */
export const main = (): Promise<never> => runEntry("cycle", cycleMain);
if (isMain(import.meta.url)) void main();
