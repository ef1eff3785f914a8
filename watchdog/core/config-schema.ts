/**
 * The config file's one schema (zod): defaults, descriptions, and the JSON Schema made
 * from it. Entrypoints do not load this on a good start: they parse with the generated
 * parser (generated/parsers.ts, made from this schema) and come here only when it cannot
 * say yes, for zod's exact error.
 */
import { z } from "./zod.js";
import { cronProblem, isValidCron, isValidTimezone } from "./cron.js";

const positiveSec = (describe: string, def: number) =>
  z
    .number({ error: "expected a positive number" })
    .positive({ error: "expected a positive number" })
    .finite({ error: "expected a positive number" })
    .default(def)
    .describe(describe);

const wholeAtLeastOne = (describe: string, def: number) =>
  z
    .number({ error: "expected a whole number >= 1" })
    .int({ error: "expected a whole number >= 1" })
    .min(1, { error: "expected a whole number >= 1" })
    .default(def)
    .describe(describe);

const optionalLimit = (describe: string) =>
  z.number({ error: "expected a positive number" }).positive({ error: "expected a positive number" }).finite({ error: "expected a positive number" }).optional().describe(describe);

// refine() with a named function, not superRefine(): scripts/gen-parsers.ts maps the
// functions it knows by identity into the generated fast parser.
const cronSchedule = (describe: string, def: string) =>
  z
    .string({ error: "expected a cron expression (string)" })
    .refine(isValidCron, { error: (issue) => `not a valid cron expression: ${cronProblem(String(issue.input))}` })
    .default(def)
    .describe(describe);

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path or URL of the JSON Schema, for editors."),
    timezone: z
      .string({ error: "expected an IANA time zone name such as \"America/New_York\"" })
      .refine(isValidTimezone, { error: "unknown time zone (use an IANA name such as \"Europe/London\")" })
      .default("UTC")
      .describe("IANA time zone in which the cron schedules are read."),
    paths: z
      .strictObject({
        data: z.string().min(1).default("data").describe("Folder for live state: heartbeat.json, circuit.json, the outbox, locks. Relative to this file."),
        memory: z.string().min(1).default("memory").describe("Folder for history: decisions.jsonl and strategy state. Relative to this file."),
      })
      .prefault({})
      .describe("Where the state files live."),
    strategy: z
      .strictObject({
        module: z
          .string()
          .min(1)
          .default("demo")
          .describe("A built-in strategy name (\"demo\") or a path to an ES module (.js/.mjs), relative to this file."),
        options: z.record(z.string(), z.unknown()).default({}).describe("Passed to the strategy as is."),
      })
      .prefault({})
      .describe("The trading strategy the cycle runner drives."),
    cycle: z
      .strictObject({
        schedule: cronSchedule("When the cycle runs (cron: minute hour day month weekday, or with seconds first).", "*/5 * * * *"),
        timeoutSec: positiveSec("Hard limit for one whole cycle; the runner aborts itself past it, even when its thread is busy.", 240),
        abortGraceSec: positiveSec("After the deadline: time between SIGTERM and SIGKILL to itself.", 5),
        stallSec: positiveSec(
          "No progress marker for this long while a cycle holds its lock means stalled: the watchdog trips and (watchdog.killStalled) stops it. Call ctx.progress() inside long layers.",
          120,
        ),
        layers: z
          .record(
            z.string(),
            z.strictObject({
              timeoutSec: z.number({ error: "expected a positive number" }).positive({ error: "expected a positive number" }).optional().describe("Hard limit for this layer (also bounded by the cycle's timeoutSec)."),
              stallSec: z.number({ error: "expected a positive number" }).positive({ error: "expected a positive number" }).optional().describe("Stall limit while this layer runs, for a layer known to be slow."),
            }),
          )
          .default({})
          .describe('Per-layer overrides by layer name, e.g. { "market-data": { "stallSec": 300 } }.'),
        maxUnproductive: wholeAtLeastOne("Consecutive cycles without a newer market-data bar before the cycle reports status \"stale-data\".", 3),
      })
      .prefault({})
      .describe("The cycle runner."),
    watchdog: z
      .strictObject({
        schedule: cronSchedule("When the watchdog runs.", "*/15 * * * *"),
        maxAgeSec: z
          .number({ error: "expected a positive number" })
          .positive({ error: "expected a positive number" })
          .optional()
          .describe(
            "Optional plain upper bound on the heartbeat's age, for 24/7 pipelines. Unset by default: staleness is judged from cycle.schedule, so market-hours schedules never alarm at night or at weekends. Do not set it with a market-hours schedule.",
          ),
        graceSec: positiveSec("Slack after a scheduled cycle's start + cycle.timeoutSec before its missing beat counts as stale (timer jitter, slow start).", 60),
        tripAfter: wholeAtLeastOne("Trip only after this many consecutive unhealthy readings (each is logged). 1 trips at once.", 1),
        killStalled: z.boolean({ error: "expected true or false" }).default(true).describe("Stop a stalled runner: report request (SIGUSR2), SIGTERM, then SIGKILL."),
        killGraceSec: positiveSec("Time between SIGTERM and SIGKILL when stopping a stalled runner.", 10),
      })
      .prefault({})
      .describe("The watchdog."),
    reminder: z
      .strictObject({
        schedule: cronSchedule("When the resume reminder runs; it sends only while the circuit is paused.", "0 9 * * *"),
      })
      .prefault({})
      .describe("The resume reminder."),
    risk: z
      .strictObject({
        maxOrdersPerCycle: optionalLimit("At most this many orders (buy/sell decisions) in one cycle."),
        maxPositionPerSymbol: optionalLimit("Largest absolute position in any symbol, counting orders decided this cycle."),
        maxOrderNotional: optionalLimit("Largest qty × price of a single order."),
        maxDailyLossPct: optionalLimit("Largest loss of equity from the day's peak (not from the start), in percent, as the strategy or the paper broker reports it."),
        maxSpendPerDay: optionalLimit("Ceiling for anything metered that the strategy reports as spend (API calls, LLM tokens), per day in `timezone`."),
        onPause: z
          .enum(["cancel", "flatten", "reduce-only"], { error: 'expected "cancel", "flatten" or "reduce-only"' })
          .default("cancel")
          .describe('What a paused circuit does to open risk, once per trip: "cancel" working orders and stop; "flatten" also closes positions; "reduce-only" cancels, then lets cycles run but drops any decision that would increase risk.'),
      })
      .prefault({})
      .describe("Pre-trade limits checked after every layer; a breach trips the circuit (by: risk). Unset limits are not checked."),
    witness: z
      .strictObject({
        cycle: z.url({ error: "expected a Healthchecks ping URL" }).optional().describe("Healthchecks ping URL for the cycle runner (e.g. https://hc-ping.com/<uuid>): start, then success or the exit status, with a short log."),
        watchdog: z.url({ error: "expected a Healthchecks ping URL" }).optional().describe("Healthchecks ping URL the watchdog pings on each run, so the watchdog itself is watched from outside."),
        budgetSec: positiveSec("All pings of one run together never take longer than this.", 2),
        apiUrl: z
          .url({ error: "expected an http(s) URL" })
          .default("https://healthchecks.io")
          .describe("Healthchecks instance for `watchkeeper witness sync` (the management API key comes from HEALTHCHECKS_API_KEY)."),
      })
      .prefault({})
      .describe("An external witness on Healthchecks: it notices when the whole machine goes dark."),
    bot: z
      .strictObject({
        allowChatIds: z
          .array(z.union([z.string().min(1), z.number().int()]).transform(String))
          .default([])
          .describe("Chats that may use `watchkeeper bot` (/status, /pause). Everyone else is ignored and logged. Empty: the bot refuses to start."),
        pollTimeoutSec: positiveSec("Long-polling wait of one getUpdates call.", 30),
      })
      .prefault({})
      .describe("The optional Telegram bot: status and pause from the phone; it never resumes."),
    telegram: z
      .strictObject({
        chatId: z
          .union([z.string().min(1), z.number().int()], { error: "expected a chat id (string or number)" })
          .transform(String)
          .optional()
          .describe("Chat to alert. Unset: alerts are only logged. The env var TELEGRAM_CHAT_ID is used when this is unset. The token is read only from TELEGRAM_BOT_TOKEN."),
        apiRoot: z
          .url({ error: "expected an http(s) URL" })
          .default("https://api.telegram.org")
          .describe("Bot API origin; change only for a local Bot API server or tests."),
        timeoutSec: positiveSec("Timeout of one request to Telegram.", 10),
        maxRetries: z
          .number()
          .int()
          .min(0, { error: "expected a whole number >= 0" })
          .default(2)
          .describe("Retries of one request on network errors, 5xx and 429 (retry_after honoured)."),
      })
      .prefault({})
      .describe("Telegram alerts."),
    alerts: z
      .strictObject({
        maxPerRun: z
          .number()
          .int()
          .min(1, { error: "expected a whole number >= 1" })
          .default(20)
          .describe("At most this many queued alerts are sent per run; the rest wait for the next run, oldest first."),
        command: z
          .union([z.string().min(1), z.array(z.string().min(1)).min(1)], { error: "expected a command line (string) or [program, ...args]" })
          .optional()
          .describe("Another channel: a program run for every alert, with the message on standard input and WATCHKEEPER_ALERT_KIND, _ID, _CREATED_AT, _TEXT, _HTML and WATCHKEEPER_HOST in its environment; exit 0 means delivered. It has its own outbox (data/outbox-command/)."),
        commandTimeoutSec: positiveSec("The alert command is killed and retried later if it runs longer than this.", 10),
      })
      .prefault({})
      .describe("The alert outbox."),
    log: z
      .strictObject({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info").describe("Log level."),
      })
      .prefault({})
      .describe("Logging."),
  })
  .describe("watchkeeper configuration. Every field is optional.");

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export function formatZodIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join(".") || "(top level)";
  if (issue.code === "unrecognized_keys") {
    const prefix = issue.path.length ? `${path}.` : "";
    return `${issue.keys.map((k) => prefix + k).join(", ")}: unknown field`;
  }
  return `${path}: ${issue.message}`;
}

export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: "input", target: "draft-07", unrepresentable: "any" });
}
