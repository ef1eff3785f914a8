import { userInfo } from "node:os";
import { flagValue, isMain, runEntry, type EntryContext } from "./core/cli.js";
import { tripCircuit } from "./core/circuit.js";
import { describeCircuit } from "./core/state.js";
import { EXIT, WkError } from "./core/errors.js";
import { resumeCommand } from "./core/messages.js";
import { printOut } from "./core/log.js";

function who(): string {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** A manual trip: the same file a person would write by hand, written safely. */
export async function tripMain(ctx: EntryContext): Promise<number> {
  const reason = flagValue(ctx.args, "--reason");
  if (!reason || !reason.trim()) throw new WkError("USAGE", 'trip needs --reason "TEXT" (why you are pausing)');
  const by = `manual:${who()}`;
  const res = await tripCircuit(ctx.paths, { reason, by, now: ctx.now, onRecordError: (e) => ctx.log.error({ err: String(e) }, "could not record the trip (the circuit is paused)") });
  if (!res.tripped) {
    ctx.log.warn(`already ${describeCircuit(res.existing)}; that cause is kept (yours: ${reason})`);
    printOut(`already paused: ${describeCircuit(res.existing)}\n`);
    return EXIT.OK;
  }
  ctx.log.error({ by }, `CIRCUIT TRIPPED by hand: ${reason}`);
  printOut(`paused: ${reason}\nTo resume later:\n  ${resumeCommand(ctx.paths.circuit)}\n`);
  return EXIT.OK;
}

if (isMain(import.meta.url)) void runEntry("trip", tripMain);
