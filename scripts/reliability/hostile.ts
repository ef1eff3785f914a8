/**
 * Hostile input for every reader, with fast-check: arbitrary bytes, wrong types, huge
 * values, NaN and infinities, deep nesting, a BOM, CRLF line ends. Each property
 * states the promise: nothing throws uncaught, a circuit that is not a valid green
 * fails closed, a bad config is a CONFIG error naming the field.
 */
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpretCircuit, interpretHeartbeat, readProgress, readWatchdogRecord } from "../../watchdog/core/state.js";
import { parseConfig } from "../../watchdog/core/config.js";
import { WkError } from "../../watchdog/core/errors.js";
import { ChainVerifier } from "../audit/verify.js";
import { GENESIS, sha256 } from "../../watchdog/core/journal.js";
import { flushOutbox } from "../../watchdog/core/outbox.js";
import { telegramChannel, DeliveryError } from "../../watchdog/core/telegram.js";
import { createLogger } from "../../watchdog/core/log.js";

export interface PropertyResult {
  name: string;
  runs: number;
  failed: boolean;
  counterexample: string | null;
}

const text = (t: string) => ({ kind: "text" as const, text: t, mtimeMs: 1 });

/** Texts a state file could hold after a crash, an editor, a bad disk or an attacker. */
function hostileText(): fc.Arbitrary<string> {
  const json = fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v));
  const objectish = fc
    .record(
      {
        paused: fc.oneof(fc.boolean(), fc.constant("false"), fc.constant(0), fc.constant(null), fc.double(), fc.string()),
        reason: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        since: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(1e308)),
        at: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null)),
        status: fc.oneof(fc.constant("ok"), fc.string(), fc.integer()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o));
  const deep = fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n) + "]".repeat(n));
  const base = fc.oneof(json, objectish, fc.string(), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")), deep, fc.constantFrom("", " ", "NaN", "Infinity", '{"paused": false', '{"paused": NaN}'));
  return fc.tuple(base, fc.boolean(), fc.boolean(), fc.nat({ max: 50 })).map(([t, bom, crlf, cut]) => {
    let s = crlf ? t.replace(/\n/g, "\r\n") : t;
    if (bom) s = "\uFEFF" + s;
    return cut > 40 ? s.slice(0, Math.max(0, s.length - cut)) : s;
  });
}

/** The contract, written independently of the zod schema: only this is green. */
function isValidGreen(t: string): boolean {
  let v: unknown;
  try {
    v = JSON.parse(t.replace(/^\uFEFF/, ""));
  } catch {
    return false;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const optStr = (k: string) => o[k] === undefined || typeof o[k] === "string";
  const optNum = (k: string) => o[k] === undefined || (typeof o[k] === "number" && Number.isFinite(o[k]));
  return o.paused === false && optStr("reason") && optNum("since") && optStr("iso") && optStr("by") && optStr("host");
}

function run(name: string, prop: fc.IProperty<unknown> | fc.IAsyncProperty<unknown>, numRuns: number): Promise<PropertyResult> | PropertyResult {
  const finish = (d: fc.RunDetails<unknown>): PropertyResult => ({ name, runs: d.numRuns, failed: d.failed, counterexample: d.failed ? JSON.stringify(d.counterexample)?.slice(0, 300) ?? "(no counterexample)" : null });
  const r = fc.check(prop as fc.IProperty<unknown>, { numRuns });
  return r instanceof Promise ? r.then(finish) : finish(r as fc.RunDetails<unknown>);
}

export async function hostileProperties(numRuns: number): Promise<PropertyResult[]> {
  const out: PropertyResult[] = [];
  out.push(
    await run(
      "circuit.json: never throws; green only for a valid { paused: false }",
      fc.property(hostileText(), (t) => {
        const c = interpretCircuit(text(t));
        return (c.state === "green") === isValidGreen(t);
      }),
      numRuns,
    ),
  );
  out.push(
    await run(
      "heartbeat.json: never throws; present only with a finite `at` and a string `status`",
      fc.property(hostileText(), (t) => {
        const h = interpretHeartbeat(text(t));
        if (h.kind !== "present") return true;
        return Number.isFinite(h.heartbeat.at) && typeof h.heartbeat.status === "string";
      }),
      numRuns,
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), "wk-hostile-"));
  try {
    out.push(
      await run(
        "progress.json and watchdog.json files: never throw",
        fc.property(hostileText(), (t) => {
          writeFileSync(join(dir, "p.json"), t);
          readProgress(join(dir, "p.json"));
          readWatchdogRecord(join(dir, "p.json"));
          return true;
        }),
        numRuns,
      ),
    );
    out.push(
      await run(
        "config: anything but a valid config is a CONFIG error naming the file and a field",
        fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.record({ cycle: fc.record({ timeoutSec: fc.oneof(fc.double(), fc.string(), fc.constant(null)) }, { requiredKeys: [] }), timezone: fc.string(), telegram: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: [] })), (v) => {
          try {
            parseConfig(v, "/x/watchkeeper.config.json");
            return true;
          } catch (err) {
            return err instanceof WkError && err.code === "CONFIG" && err.message.startsWith("/x/watchkeeper.config.json: ") && /^[^\n]+$/.test(err.message);
          }
        }),
        numRuns,
      ),
    );
    out.push(
      await run(
        "decision log lines: the verifier never throws on any bytes",
        fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), hostileText().map((t) => Buffer.from(t))), { maxLength: 20 }), (lines) => {
          const v = new ChainVerifier(null);
          for (const l of lines) v.push(l);
          v.finish(true);
          return true;
        }),
        numRuns,
      ),
    );
    out.push(
      await run(
        "decision log: any single-byte change to any line but the last is caught",
        fc.property(fc.integer({ min: 3, max: 12 }), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (n, li, bi, delta) => {
          let prev = GENESIS;
          const lines: Buffer[] = [];
          for (let seq = 1; seq <= n; seq++) {
            const line = JSON.stringify({ seq, at: 1000 + seq, iso: "2026-01-01T00:00:00Z", kind: "decision", cycle: "c", action: "buy", prev });
            prev = sha256(line);
            lines.push(Buffer.from(line));
          }
          const i = li % (n - 1); // not the last line: nothing follows it to tell
          const b = Buffer.from(lines[i]!);
          const j = bi % b.length;
          b[j] = (b[j]! + delta) % 256;
          if (b.includes(0x0a)) return true; // a newline splits the line: another property
          lines[i] = b;
          const v = new ChainVerifier(null);
          for (const l of lines) v.push(l);
          return !v.finish(true).ok;
        }),
        numRuns,
      ),
    );
    const log = createLogger({ name: "hostile", level: "silent", format: "json" });
    out.push(
      await run(
        "outbox: garbage items are moved aside, never thrown, never block the next alert",
        fc.asyncProperty(fc.array(hostileText(), { maxLength: 4 }), async (items) => {
          const ob = join(dir, `outbox-${Math.random().toString(36).slice(2)}`);
          mkdirSync(ob, { recursive: true });
          items.forEach((t, k) => writeFileSync(join(ob, `00000000000000${k}-aaaa.json`), t));
          writeFileSync(join(ob, "999999999999999-zzzz.json"), JSON.stringify({ id: "ok", createdAt: 1, kind: "trip", text: "hi", attempts: 0 }));
          const sent: string[] = [];
          await flushOutbox({ dir: ob, lockPath: join(ob, "lock"), now: Date.now, log }, { name: "test", notReady: null, send: async (h) => void sent.push(h) }, 100);
          const left = readdirSync(ob).filter((f) => f.endsWith(".json"));
          rmSync(ob, { recursive: true, force: true });
          return sent.includes("hi") && left.length === 0;
        }),
        Math.max(10, Math.floor(numRuns / 10)),
      ),
    );
    out.push(
      await run(
        "Telegram answers: any status and body is a DeliveryError or a success, nothing else",
        fc.asyncProperty(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constant('{"ok":true,"result":{}}')), async (status, body) => {
          const fakeFetch = (async () => new Response(status === 204 || status === 304 || status < 200 ? null : body, { status: status < 200 ? 200 : status })) as typeof fetch;
          const ch = telegramChannel({ token: "1:secret", chatId: "1", apiRoot: "http://127.0.0.1:9", timeoutSec: 1, maxRetries: 0, fetch: fakeFetch });
          try {
            await ch.send("x");
            return true;
          } catch (err) {
            return err instanceof DeliveryError && !err.message.includes("1:secret");
          }
        }),
        Math.max(20, Math.floor(numRuns / 5)),
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
