import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, describeCircuit } from "./core/state.js";
import { flushOutbox } from "./core/outbox.js";
import { reminderText } from "./core/messages.js";
import { EXIT } from "./core/errors.js";
import { alertDeps, raiseAlert } from "./alerting.js";

export async function remindMain(ctx: EntryContext): Promise<number> {
  const circuit = readCircuit(ctx.paths.circuit);
  const deps = alertDeps(ctx);
  if (circuit.state === "green") {
    ctx.log.info(`circuit ${describeCircuit(circuit)}: nothing to remind`);
    await flushOutbox(deps, deps.channel, deps.maxPerRun);
    return EXIT.OK;
  }
  ctx.log.warn(`circuit is ${describeCircuit(circuit)}: sending a reminder`);
  await raiseAlert(deps, "reminder", reminderText(circuit, ctx.host, ctx.paths.circuit, ctx.now()));
  return EXIT.OK;
}

if (isMain(import.meta.url)) void runEntry("remind", remindMain);
