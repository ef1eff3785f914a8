import { skippedOffSchedule } from "../watchdog/core/cli.js";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { redact } from "../watchdog/core/log.js";
import { join } from "node:path";
import { isMain, runEntry, version, type EntryContext } from "../watchdog/core/cli.js";
import { readCircuit, readHeartbeat, readProgress, describeCircuit } from "../watchdog/core/state.js";
import { acquireLock, type Lock } from "../watchdog/core/lock.js";
import { appendRecords } from "../watchdog/core/journal.js";
import { atomicWriteFile, liveTempFiles, removeFile } from "../watchdog/core/fsx.js";
import { EXIT, messageOf, WkError } from "../watchdog/core/errors.js";
import { epochSec, isoSec } from "../watchdog/core/time.js";
import type { Heartbeat } from "../watchdog/core/schemas.js";
import { loadStrategy } from "./load-strategy.js";
import { startSentinel, type DeadlineInfo, type Sentinel } from "./sentinel.js";
import type { CycleContext, Decision } from "./strategy.js";
import { dataProgress } from "./productivity.js";
import { ProgressWriter } from "./progress.js";
import { noticeCircuitChanges } from "../watchdog/core/resume.js";

/** A report lists the environment; make sure no secret survives in it. */
function scrubReport(file: string, secret: string | undefined): void {
  if (!secret) return;
  const text = readFileSync(file, "utf8");
  if (text.includes(secret)) writeFileSync(file, redact(text, { TELEGRAM_BOT_TOKEN: secret }));
}

export function newCycleId(nowMs: number): string {
  return `${isoSec(nowMs).replace(/[-:]/g, "")}-${randomBytes(2).toString("hex")}`;
}

interface BeatFields {
  status: string;
  error?: string;
  layer?: string;
  dataAt?: number;
  unproductive?: number;
  report?: string;
}

export async function cycleMain(ctx: EntryContext): Promise<number> {
  const { paths, log, now, loaded } = ctx;
  const cfg = loaded.config;
  // The runner never alerts, so it drops the bot token: neither the strategy nor a
  // diagnostic report (which lists the environment) can leak it.
  const secret = process.env.TELEGRAM_BOT_TOKEN;
  delete process.env.TELEGRAM_BOT_TOKEN;

  if (skippedOffSchedule(ctx, cfg.cycle.schedule)) return EXIT.OK;
  const atStart = readCircuit(paths.circuit);
  if (atStart.state === "paused") {
    (atStart.valid ? log.warn.bind(log) : log.error.bind(log))(`circuit is ${describeCircuit(atStart)}: not running, nothing written`);
    return EXIT.PAUSED;
  }

  await noticeCircuitChanges(paths, atStart, now, log);
  // The strategy may keep state in memory/ from its first layer on.
  mkdirSync(loaded.memoryDir, { recursive: true });
  const startMs = now();
  const cycleId = newCycleId(startMs);
  const lock: Lock = await acquireLock(paths.cycleLock, { purpose: "cycle", now, cycle: cycleId });
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

  let newestBarAt: number | undefined;
  try {
    const layerTimeoutSec: Record<string, number> = {};
    for (const [name, l] of Object.entries(cfg.cycle.layers)) if (l.timeoutSec !== undefined) layerTimeoutSec[name] = l.timeoutSec;
    sentinel = startSentinel(
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
      decide: async (d: Decision) => {
        await record("decision", { ...d, strategy: strategy.name, layer: currentLayer });
        decisions++;
      },
      progress: (note: string) => progress.mark(note, currentLayer),
      reportData: (sec: number) => {
        newestBarAt = newestBarAt === undefined ? sec : Math.max(newestBarAt, sec);
      },
    };

    log.info({ cycle: cycleId, strategy: strategy.name }, "cycle started");
    for (const layer of strategy.layers) {
      const circuit = readCircuit(paths.circuit);
      if (circuit.state === "paused") {
        log.warn({ layer: layer.name }, `circuit became ${describeCircuit(circuit)}: stopping before layer ${layer.name}`);
        progress.mark(`stopped before layer ${layer.name}: circuit paused`, layer.name, true);
        finished = true;
        return EXIT.PAUSED;
      }
      currentLayer = layer.name;
      sentinel.enterLayer(layer.name);
      progress.mark(`layer ${layer.name} started`, layer.name, true);
      await layer.run(cycleCtx);
      progress.mark(`layer ${layer.name} done`, layer.name, true);
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
    writeHeartbeat({ status: "ok", ...prod.fields });
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

if (isMain(import.meta.url)) void runEntry("cycle", cycleMain);
