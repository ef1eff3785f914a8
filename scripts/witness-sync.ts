import type { EntryContext } from "../watchdog/core/cli.js";
import { EXIT, WkError, messageOf } from "../watchdog/core/errors.js";
import { parseCron } from "../watchdog/core/cron.js";

interface RemoteCheck {
  name: string;
  schedule?: string;
  tz?: string;
  grace?: number;
  desc?: string;
  ping_url?: string;
}

interface Wanted {
  name: string;
  schedule: string;
  tz: string;
  grace: number;
  desc: string;
}

/**
 * `watchkeeper witness sync`: creates or updates the two Healthchecks checks from the
 * config (same cron expression, same zone, a grace from the limits), so the remote
 * schedule cannot drift from the local one. A check that already matches is left alone:
 * running it twice changes nothing.
 */
export async function witnessSyncMain(ctx: EntryContext): Promise<number> {
  if (!ctx.args.includes("sync")) throw new WkError("USAGE", "usage: watchkeeper witness sync [--dry-run]");
  const key = ctx.env.HEALTHCHECKS_API_KEY;
  if (!key) throw new WkError("CONFIG", "HEALTHCHECKS_API_KEY is not set: create a read-write API key in your Healthchecks project settings");
  const c = ctx.loaded.config;
  const api = `${c.witness.apiUrl.replace(/\/+$/, "")}/api/v3/checks/`;
  for (const [name, expr] of [["cycle.schedule", c.cycle.schedule], ["watchdog.schedule", c.watchdog.schedule]] as const)
    if (parseCron(expr).hasSeconds) throw new WkError("CONFIG", `${name}: Healthchecks takes 5-field cron expressions; "${expr}" has seconds`);
  const wanted: Wanted[] = [
    {
      name: `watchkeeper-cycle@${ctx.host}`,
      schedule: c.cycle.schedule,
      tz: c.timezone,
      grace: Math.max(60, Math.ceil(c.cycle.timeoutSec + c.watchdog.graceSec)),
      desc: "watchkeeper cycle runner (made by watchkeeper witness sync; edit the config, not this check)",
    },
    {
      name: `watchkeeper-watchdog@${ctx.host}`,
      schedule: c.watchdog.schedule,
      tz: c.timezone,
      grace: Math.max(60, Math.ceil(c.watchdog.graceSec + c.watchdog.killGraceSec + c.witness.budgetSec)),
      desc: "watchkeeper watchdog (made by watchkeeper witness sync; edit the config, not this check)",
    },
  ];
  const call = async (method: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    let res: Response;
    try {
      res = await fetch(api, { method, headers: { "X-Api-Key": key, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      throw new WkError("ALERT_FAILED", `cannot reach ${api} (${messageOf(err)})`, { cause: err });
    }
    const text = await res.text();
    if (res.status === 401) throw new WkError("CONFIG", `${api} refused the API key (401): check HEALTHCHECKS_API_KEY (a read-write key)`);
    if (!res.ok) throw new WkError("ALERT_FAILED", `${method} ${api} answered ${res.status}: ${text.slice(0, 200)}`);
    try {
      return { status: res.status, json: JSON.parse(text) };
    } catch {
      throw new WkError("ALERT_FAILED", `${api} did not answer JSON`);
    }
  };
  const existing = ((await call("GET")).json as { checks?: RemoteCheck[] }).checks ?? [];
  const dry = ctx.args.includes("--dry-run");
  const urls: Record<string, string> = {};
  for (const w of wanted) {
    const have = existing.find((x) => x.name === w.name);
    const same = have && have.schedule === w.schedule && have.tz === w.tz && have.grace === w.grace && have.desc === w.desc;
    let check = have;
    if (same) process.stdout.write(`unchanged  ${w.name}  "${w.schedule}" ${w.tz}, grace ${w.grace}s\n`);
    else if (dry) process.stdout.write(`${have ? "would update" : "would create"}  ${w.name}  "${w.schedule}" ${w.tz}, grace ${w.grace}s\n`);
    else {
      const r = await call("POST", { ...w, unique: ["name"] });
      check = r.json as RemoteCheck;
      process.stdout.write(`${have ? "updated" : "created"}  ${w.name}  "${w.schedule}" ${w.tz}, grace ${w.grace}s\n`);
    }
    if (check?.ping_url) urls[w.name.startsWith("watchkeeper-cycle") ? "cycle" : "watchdog"] = check.ping_url;
  }
  if (urls.cycle || urls.watchdog) {
    const missing = (urls.cycle && urls.cycle !== c.witness.cycle) || (urls.watchdog && urls.watchdog !== c.witness.watchdog);
    process.stdout.write(`\n${missing ? "Put these in the config:" : "The config already pings them:"}\n  "witness": ${JSON.stringify({ cycle: urls.cycle, watchdog: urls.watchdog })}\n`);
  }
  return EXIT.OK;
}
