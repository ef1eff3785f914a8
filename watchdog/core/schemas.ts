import { z } from "./zod.js";

const epoch = z.number().finite().describe("Epoch seconds.");

/** data/heartbeat.json: written by the cycle runner when a cycle ends, however it ends. */
export const HeartbeatSchema = z
  .looseObject({
    at: epoch.describe("When the cycle ended (epoch seconds)."),
    iso: z.string().optional().describe("`at` as YYYY-MM-DDTHH:MM:SSZ (UTC)."),
    status: z.string().describe('"ok" when the cycle finished; anything else is not ok ("error", "aborted", "stale-data").'),
    cycle: z.string().optional().describe("Cycle id."),
    startedAt: epoch.optional().describe("When the cycle started."),
    durationMs: z.number().optional().describe("How long the cycle took."),
    decisions: z.number().optional().describe("Decisions recorded by the cycle."),
    error: z.string().optional().describe("Why the cycle is not ok."),
    layer: z.string().optional().describe("The layer that failed or was running when the cycle was aborted."),
    dataAt: epoch.optional().describe("Time of the newest market-data bar the cycle saw."),
    unproductive: z.number().optional().describe("Consecutive cycles without a newer bar."),
    pid: z.number().optional(),
    host: z.string().optional(),
    version: z.string().optional(),
    strategy: z.string().optional(),
  })
  .describe("data/heartbeat.json");
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** data/circuit.json: software writes only `paused: true`; a person resumes by editing it. */
export const CircuitSchema = z
  .looseObject({
    paused: z.boolean().describe("true stops every cycle; only a person sets it back to false."),
    reason: z.string().optional().describe("Why it was paused (the first cause is kept)."),
    since: epoch.optional().describe("When it was paused."),
    iso: z.string().optional().describe("`since` as YYYY-MM-DDTHH:MM:SSZ."),
    by: z.string().optional().describe('Who paused it: "watchdog", "manual", "risk", ...'),
    host: z.string().optional(),
  })
  .describe("data/circuit.json");
export type Circuit = z.infer<typeof CircuitSchema>;

/** One line of memory/decisions.jsonl. */
export const DecisionRecordSchema = z
  .looseObject({
    at: epoch,
    iso: z.string(),
    kind: z.string().describe('"decision", "cycle-start", "cycle-end", "aborted", "torn-line-sealed", ...'),
    cycle: z.string().nullable().describe("Cycle id, null for records not made by a cycle."),
  })
  .describe("memory/decisions.jsonl line");
export type DecisionRecord = z.infer<typeof DecisionRecordSchema>;

/** data/outbox/*.json: one alert waiting to be delivered. */
export const OutboxItemSchema = z
  .strictObject({
    id: z.string(),
    createdAt: epoch,
    kind: z.string().describe('"trip", "reminder", ...'),
    text: z.string().describe("HTML message text."),
    attempts: z.number().int().min(0),
    lastError: z.string().optional(),
    lastAttemptAt: epoch.optional(),
  })
  .describe("data/outbox/<id>.json");
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** A lock file's content. */
export const LockSchema = z.looseObject({
  pid: z.number().int(),
  host: z.string(),
  startedAt: epoch,
  purpose: z.string().optional(),
  cycle: z.string().optional(),
});
export type LockInfo = z.infer<typeof LockSchema>;

export function firstIssue(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return "invalid";
  return `${i.path.map(String).join(".") || "(top level)"}: ${i.message}`;
}

/** data/progress.json: advances only when work advances (layer boundaries, ctx.progress). */
export const ProgressSchema = z
  .looseObject({
    step: z.number().int().describe("Monotonic across cycles."),
    note: z.string().describe('What just happened; "aborted: <why>" when the cycle was aborted.'),
    at: epoch.describe("When the step was taken."),
    cycle: z.string().describe("Cycle id."),
    pid: z.number().int(),
    layer: z.string().optional().describe("The layer running at this step."),
  })
  .describe("data/progress.json");
export type Progress = z.infer<typeof ProgressSchema>;

/** data/watchdog.json: the watchdog's own last run, so someone can watch the watchdog. */
export const WatchdogRecordSchema = z
  .looseObject({
    at: epoch.describe("When the watchdog last ran."),
    iso: z.string().optional(),
    verdict: z.string().describe('"healthy" or the unhealthy reason.'),
    detail: z.string().optional(),
    streak: z.number().int().min(0).describe("Consecutive unhealthy readings."),
    wakeAt: epoch.optional().describe("When the watchdog noticed the machine had slept; staleness is judged from then."),
    watchingSince: epoch
      .optional()
      .describe("The watchdog's first run: until a cycle due after it should have finished, a missing heartbeat is a new install, not an outage."),
    pid: z.number().int().optional(),
  })
  .describe("data/watchdog.json");
export type WatchdogRecord = z.infer<typeof WatchdogRecordSchema>;

/** data/remind.json: the reminder's own last run, for doctor. */
export const RemindRecordSchema = z
  .looseObject({
    at: epoch.describe("When the reminder last ran."),
    iso: z.string().optional(),
    firstAt: epoch.optional().describe("The reminder's first run here: a watchdog that has never run is only missing once it has had time to."),
    circuit: z.string().optional().describe('"green" or "paused" when it ran.'),
  })
  .describe("data/remind.json");
export type RemindRecord = z.infer<typeof RemindRecordSchema>;
