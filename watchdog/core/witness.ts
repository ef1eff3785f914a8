import { crypto } from "./lazy.js";
import type { Logger } from "./log.js";
import { exitCodeFor, messageOf } from "./errors.js";

/**
 * An external witness (Healthchecks, hosted or self-hosted): a local watchdog cannot
 * report that the whole machine died; a check somewhere else that stops hearing from
 * us can. Pings follow Healthchecks' ping API (/start, success, /fail, /<exit-status>,
 * ?rid= to pair a start with its finish). They share one small time budget per run,
 * never throw, and never change what the run does.
 */
export interface Witness {
  readonly rid: string;
  start(): Promise<void>;
  /** Exit status 0 is success; anything else is a failure with that status. */
  finish(exitStatus: number, log: string): Promise<void>;
  fail(log: string): Promise<void>;
}

export const MAX_BODY_BYTES = 10_000;

export function clip(body: string): string {
  const b = Buffer.from(body, "utf8");
  return b.length <= MAX_BODY_BYTES ? body : b.subarray(0, MAX_BODY_BYTES - 20).toString("utf8").replace(/\uFFFD$/, "") + "\n… (truncated)";
}

export function witness(url: string | undefined, opts: { budgetMs: number; log: Logger; rid?: string; fetch?: typeof fetch }): Witness {
  const rid = opts.rid ?? crypto().randomUUID();
  const deadline = Date.now() + opts.budgetMs;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const ping = async (suffix: string, body?: string): Promise<void> => {
    if (!url) return;
    const target = `${url.replace(/\/+$/, "")}${suffix}?rid=${rid}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const left = deadline - Date.now();
      if (left <= 50) {
        opts.log.warn(`witness: no time left for ${suffix || "success"} ping (budget ${opts.budgetMs} ms)`);
        return;
      }
      try {
        const res = await doFetch(target, { method: "POST", body: body === undefined ? null : clip(body), signal: AbortSignal.timeout(left) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        if (res.status < 500) {
          opts.log.error(`witness ${suffix || "success"} ping answered ${res.status}: check the ping URL`);
          return;
        }
        opts.log.warn(`witness ${suffix || "success"} ping answered ${res.status}; retrying`);
      } catch (err) {
        opts.log.warn(`witness ${suffix || "success"} ping failed (${err instanceof Error ? err.name : String(err)}); ${attempt < 2 ? "retrying" : "giving up"}`);
      }
    }
    opts.log.error(`witness ${suffix || "success"} ping not delivered: the remote check will notice if this persists`);
  };
  return {
    rid,
    start: () => ping("/start"),
    finish: (status, log) => ping(status === 0 ? "" : `/${status}`, log),
    fail: (log) => ping("/fail", log),
  };
}

/**
 * Runs `body` between a start ping and a finish ping on `url` (nothing when unset).
 * `outcome` turns the exit code into the status and log the witness gets; a thrown
 * error is reported with its exit code and then rethrown.
 */
export async function withWitness(
  ctx: { loaded: { config: { witness: { budgetSec: number } } }; log: Logger },
  url: string | undefined,
  body: (w: Witness | null) => Promise<number>,
  outcome: (code: number) => { status: number; log: string },
): Promise<number> {
  if (!url) return body(null);
  const w = witness(url, { budgetMs: ctx.loaded.config.witness.budgetSec * 1000, log: ctx.log });
  await w.start();
  let code: number;
  try {
    code = await body(w);
  } catch (err) {
    await w.finish(exitCodeFor(err), `failed: ${messageOf(err)}`);
    throw err;
  }
  const o = outcome(code);
  await w.finish(o.status, o.log);
  return code;
}
