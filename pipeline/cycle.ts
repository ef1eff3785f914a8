import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { isMain, runEntry, version, type EntryContext } from "../watchdog/core/cli.js";
import { readCircuit, readHeartbeat, describeCircuit } from "../watchdog/core/state.js";
import { acquireLock, type Lock } from "../watchdog/core/lock.js";
import { appendRecords } from "../watchdog/core/journal.js";
import { atomicWriteFile, liveTempFiles, removeFile } from "../watchdog/core/fsx.js";
import { EXIT, messageOf, WkError } from "../watchdog/core/errors.js";
import { epochSec, isoSec } from "../watchdog/core/time.js";
import type { Heartbeat } from "../watchdog/core/schemas.js";
import { loadStrategy } from "./load-strategy.js";
import { startSentinel, type Sentinel } from "./sentinel.js";
import type { CycleContext, Decision } from "./strategy.js";
import { dataProgress } from "./productivity.js";

export function newCycleId(nowMs: number): string {
  return `${isoSec(nowMs).replace(/[-:]/g, "")}-${randomBytes(2).toString("hex")}`;
}

export async function cycleMain(ctx: EntryContext): Promise<number> {
  const { paths, log, now, loaded } = ctx;
  const cfg = loaded.config;

  const atStart = readCircuit(paths.circuit);
  if (atStart.state === "paused") {
    (atStart.valid ? log.warn.bind(log) : log.error.bind(log))(`circuit is ${describeCircuit(atStart)}: not running, nothing written`);
    return EXIT.PAUSED;
  }

  // The strategy may keep state in memory/ from its first layer on.
  mkdirSync(loaded.memoryDir, { recursive: true });
  const startMs = now();
  const cycleId = newCycleId(startMs);
  const lock: Lock = await acquireLock(paths.cycleLock, { purpose: "cycle", now, cycle: cycleId });
  if (lock.recovered)
    log.error(
      { lock: paths.cycleLock, previous: lock.recovered.info },
      `recovered a cycle lock left behind (${lock.recovered.why}): the previous cycle died without finishing`,
    );

  const base = {
    cycle: cycleId,
    startedAt: epochSec(startMs),
    pid: process.pid,
    host: ctx.host,
    version: version(),
    strategy: cfg.strategy.module,
  };
  const previous = readHeartbeat(paths.heartbeat);
  if (lock.recovered) {
    const t = now();
    await appendRecords(
      paths.decisions,
      paths.decisionsLock,
      [{ at: epochSec(t), iso: isoSec(t), kind: "lock-recovered", cycle: cycleId, previousCycle: lock.recovered.info?.cycle ?? null, previousPid: lock.recovered.info?.pid ?? null, why: lock.recovered.why }],
      { now, cycle: cycleId },
    );
  }
  let decisions = 0;
  let currentLayer = "(start)";
  let finished = false;
  let deadlineHit = false;
  let sentinel: Sentinel | undefined;
  const abort = new AbortController();

  const writeHeartbeat = (fields: { status: string; error?: string; layer?: string; dataAt?: number; unproductive?: number }): void => {
    const t = now();
    // at/iso/status first: the three fields a 20-line script reads.
    const hb: Heartbeat = Object.assign({ at: epochSec(t), iso: isoSec(t), status: fields.status }, base, fields, {
      at: epochSec(t),
      durationMs: t - startMs,
      decisions,
    });
    atomicWriteFile(paths.heartbeat, JSON.stringify(hb, null, 2) + "\n");
  };
  const record = (kind: string, fields: Record<string, unknown>) => {
    const t = now();
    return appendRecords(paths.decisions, paths.decisionsLock, [Object.assign({ at: epochSec(t), iso: isoSec(t), kind, cycle: cycleId }, fields, { at: epochSec(t), iso: isoSec(t), kind, cycle: cycleId })], {
      now,
      cycle: cycleId,
    });
  };

  // SIGTERM comes from our own sentinel at the deadline, from systemd's TimeoutStartSec,
  // or from a person; SIGINT from Ctrl-C. Either way: leave an honest trace and go.
  const onSignal = (sig: NodeJS.Signals) => {
    if (finished) return;
    finished = true;
    abort.abort(new Error(sig));
    const why = deadlineHit
      ? `cycle exceeded cycle.timeoutSec (${cfg.cycle.timeoutSec}s) in layer ${currentLayer}`
      : `cycle stopped by ${sig} in layer ${currentLayer}`;
    log.error({ layer: currentLayer, signal: sig }, `ABORTED: ${why}`);
    void (async () => {
      try {
        if (!deadlineHit) writeHeartbeat({ status: "aborted", error: why, layer: currentLayer });
        await record("aborted", { layer: currentLayer, reason: why, signal: sig });
      } catch (err) {
        log.error({ err: messageOf(err) }, "could not record the abort");
      } finally {
        for (const tmp of liveTempFiles) removeFile(tmp);
        lock.release();
        process.exit(deadlineHit ? EXIT.TIMEOUT : sig === "SIGINT" ? 130 : 143);
      }
    })();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  let newestBarAt: number | undefined;
  try {
    sentinel = startSentinel(
      {
        deadlineAtMs: Date.now() + cfg.cycle.timeoutSec * 1000,
        graceMs: cfg.cycle.abortGraceSec * 1000,
        timeoutSec: cfg.cycle.timeoutSec,
        heartbeatPath: paths.heartbeat,
        base,
      },
      () => {
        deadlineHit = true;
      },
    );

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
      progress: (note: string) => sentinel?.progress(note),
      reportData: (sec: number) => {
        newestBarAt = newestBarAt === undefined ? sec : Math.max(newestBarAt, sec);
      },
    };

    log.info({ cycle: cycleId, strategy: strategy.name }, "cycle started");
    for (const layer of strategy.layers) {
      const circuit = readCircuit(paths.circuit);
      if (circuit.state === "paused") {
        log.warn({ layer: layer.name }, `circuit became ${describeCircuit(circuit)}: stopping before layer ${layer.name}`);
        finished = true;
        return EXIT.PAUSED;
      }
      currentLayer = layer.name;
      sentinel.enterLayer(layer.name);
      sentinel.progress(`layer ${layer.name} started`);
      await layer.run(cycleCtx);
    }

    const prod = dataProgress(previous.kind === "present" ? previous.heartbeat : null, newestBarAt, cfg.cycle.maxUnproductive);
    finished = true;
    if (prod.stale) {
      writeHeartbeat({ status: "stale-data", error: prod.detail, layer: "market-data", ...prod.fields });
      log.error({ cycle: cycleId }, `cycle finished but made no progress: ${prod.detail}`);
      return EXIT.FAILED;
    }
    writeHeartbeat({ status: "ok", ...prod.fields });
    log.info({ cycle: cycleId, decisions, durationMs: now() - startMs }, "cycle ok");
    return EXIT.OK;
  } catch (err) {
    if (finished) throw err;
    finished = true;
    const msg = messageOf(err);
    const prod = dataProgress(previous.kind === "present" ? previous.heartbeat : null, undefined, cfg.cycle.maxUnproductive);
    try {
      writeHeartbeat({ status: "error", error: msg, layer: currentLayer, ...prod.fields });
    } catch (e2) {
      log.error({ err: messageOf(e2) }, "could not write the error heartbeat");
    }
    if (err instanceof WkError && err.code !== "LAYER_FAILED") throw err;
    log.error({ layer: currentLayer, err }, `cycle failed in layer ${currentLayer}: ${msg}`);
    return EXIT.FAILED;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await sentinel?.stop();
    lock.release();
  }
}

if (isMain(import.meta.url)) void runEntry("cycle", cycleMain);
