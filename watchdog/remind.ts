import { skippedOffSchedule } from "./core/cli.js";
import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, readRemindRecord, readWatchdogRecord, describeCircuit } from "./core/state.js";
import { escapeHtml, fitTelegram, reminderText } from "./core/messages.js";
import { EXIT, messageOf } from "./core/errors.js";
import { atomicWriteFile } from "./core/fsx.js";
import { epochSec, isoSec } from "./core/time.js";
import { watchdogLiveness } from "./decide.js";
import { watchdogSettings } from "./settings.js";
import { alertDeps, flushAll, raiseAlert } from "./alerting.js";
import { formatHead, readFirstAt, recordEvent } from "./core/journal.js";

export async function remindMain(ctx: EntryContext): Promise<number> {
  if (skippedOffSchedule(ctx, ctx.loaded.config.reminder.schedule)) return EXIT.OK;
  const t = ctx.now();
  const circuit = readCircuit(ctx.paths.circuit);
  const deps = alertDeps(ctx);
  // Its own last run, for doctor; its first run tells a new install from a watchdog that never ran.
  const firstAt = readRemindRecord(ctx.paths.remindRecord)?.firstAt ?? epochSec(t);
  try {
    atomicWriteFile(ctx.paths.remindRecord, JSON.stringify({ at: epochSec(t), iso: isoSec(t), firstAt, circuit: circuit.state }) + "\n");
  } catch (err) {
    ctx.log.error({ err: messageOf(err) }, "could not record this reminder run");
  }
  // Who watches the watchdog: this reminder, on its own timer.
  const wdRecord = readWatchdogRecord(ctx.paths.watchdogRecord);
  // The install's age matters only while the watchdog has never run: read the log's first record only then.
  const installedSinceMs = wdRecord ? null : Math.min(firstAt * 1000, readFirstAt(ctx.paths.decisions) ?? Infinity);
  const wd = watchdogLiveness(wdRecord, watchdogSettings(ctx.loaded.config), t, installedSinceMs);
  const wdLine = wd.ok ? "" : `\n\n⚠️ <b>${escapeHtml(wd.detail)}</b>`;
  if (!wd.ok) ctx.log.error(wd.detail);
  if (circuit.state === "green") {
    if (!wd.ok) {
      await raiseAlert(deps, "watchdog-stopped", `⚠️ <b>watchkeeper on ${escapeHtml(ctx.host)}: the watchdog is not running</b>\n${escapeHtml(wd.detail)}.\nThe circuit is ${escapeHtml(describeCircuit(circuit))}, but nothing would notice if cycles stopped. Check its timer.`);
      return EXIT.OK;
    }
    ctx.log.info(`circuit ${describeCircuit(circuit)}: nothing to remind; ${wd.detail}`);
    await flushAll(deps);
    return EXIT.OK;
  }
  ctx.log.warn(`circuit is ${describeCircuit(circuit)}: sending a reminder`);
  const head = await recordEvent(ctx.paths, ctx.now, "reminder", { circuit: describeCircuit(circuit) }, (err) => ctx.log.error({ err: String(err) }, "could not record the reminder"));
  await raiseAlert(deps, "reminder", fitTelegram(reminderText(circuit, ctx.host, ctx.paths.circuit, t, head ? formatHead(head) : undefined) + wdLine));
  return EXIT.OK;
}

/** What dist/bin/remind.cjs calls: the bundled entrypoint. */
export const main = (): Promise<never> => runEntry("remind", remindMain);
if (isMain(import.meta.url)) void main();
