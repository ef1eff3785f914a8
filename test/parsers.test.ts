/**
 * The generated parsers (watchdog/core/generated/parsers.ts) stand in for zod on every
 * start. Their one promise: whatever they return (anything but NO) is exactly what zod's
 * parse returns for that input. Checked here against zod itself on inputs made from each
 * schema, good, bad and odd; and they must say yes to the files a real install writes, or
 * they would save nothing.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import * as fast from "../watchdog/core/generated/parsers.js";
import { OUT_FILE, parsersSource, TARGETS } from "../scripts/gen-parsers.js";
import { isValidCron, isValidTimezone } from "../watchdog/core/cron.js";
import { fileParser } from "../watchdog/core/parse.js";
import { ROOT } from "./helpers/run.js";

type Zod = { _zod: { def: Record<string, unknown> & { type: string } } };

const STRINGS = [
  "",
  " ",
  "x",
  "ok",
  "error",
  "UTC",
  "Europe/London",
  "America/New_York",
  "Mars/Olympus",
  "*/5 * * * *",
  "0 9 * * 1-5",
  "*/10 * * * * *",
  "every 5 minutes",
  "61 * * * *",
  "https://hc-ping.com/0f4c2d1e",
  " https://api.telegram.org ",
  "http:example.com",
  "https://a.b/\tpath\n",
  "not a url",
  "cancel",
  "reduce-only",
  "info",
  "-100123",
];
/** Families of strings for a refinement or a format: [likely good, likely bad]. */
const CRONS = [["*/5 * * * *", "0 9 * * 1-5", "*/10 * * * * *", "5 4 * * sun", "0 0 31 2 *"], ["every 5 minutes", "61 * * * *", "* * *"]];
const ZONES = [["UTC", "Etc/UTC", "Europe/London", "America/New_York", "Asia/Kolkata"], ["Mars/Olympus", "utc", ""]];
const URLS = [["https://hc-ping.com/0f4c2d1e", " https://api.telegram.org ", "http://127.0.0.1:8080/", "https://a.b/\tpath\n", "http:example.com", "mailto:x@y.z"], ["not a url", "", "//x"]];
const NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 3, 240, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, 1e308, 1795520601];

/** Values shaped by the schema, with wrong types, missing and extra keys mixed in. */
function arb(s: Zod, noisy: boolean, depth = 0): fc.Arbitrary<unknown> {
  const d = s._zod.def;
  const any = fc.jsonValue({ maxDepth: 2 });
  const wrong = (a: fc.Arbitrary<unknown>) => fc.oneof({ arbitrary: a, weight: noisy ? 15 : 300 }, { arbitrary: any, weight: 1 });
  switch (d.type) {
    case "string": {
      // Strings that a refinement or a format judges: mostly from the right family.
      const fn = (d.checks as { _zod: { def: { fn?: unknown } } }[] | undefined)?.find((c) => c._zod.def.fn)?._zod.def.fn;
      const family = fn === isValidCron ? CRONS : fn === isValidTimezone ? ZONES : d.format === "url" ? URLS : null;
      const [ok, bad] = family ?? [STRINGS.filter(Boolean), ["", ...STRINGS]];
      return wrong(
        fc.oneof(
          { arbitrary: fc.constantFrom(...ok!), weight: noisy ? 4 : 40 },
          { arbitrary: fc.constantFrom(...bad!), weight: 1 },
          { arbitrary: fc.string({ maxLength: 6 }), weight: family ? 0 : noisy ? 4 : 1 },
        ),
      );
    }
    case "number":
      return wrong(
        noisy
          ? fc.oneof(fc.constantFrom(...NUMBERS), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer())
          : fc.oneof({ arbitrary: fc.integer({ min: 1, max: 10_000 }), weight: 4 }, { arbitrary: fc.constantFrom(...NUMBERS), weight: 1 }),
      );
    case "boolean":
      return wrong(fc.boolean());
    case "enum":
      return wrong(fc.constantFrom(...Object.values(d.entries as Record<string, string>)));
    case "unknown":
      return any;
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      return fc.oneof({ arbitrary: arb(d.innerType as Zod, noisy, depth), weight: 3 }, { arbitrary: fc.constant(d.type === "nullable" ? null : undefined), weight: 1 });
    case "array":
      return wrong(fc.array(arb(d.element as Zod, noisy, depth + 1), { maxLength: 3 }));
    case "union":
      return fc.oneof(...(d.options as Zod[]).map((o) => arb(o, noisy, depth)));
    case "pipe":
      return arb(d.in as Zod, noisy, depth);
    case "record":
      return wrong(fc.dictionary(fc.constantFrom("a", "market-data", "toString", "x y"), arb(d.valueType as Zod, noisy, depth + 1), { maxKeys: 3 }));
    case "object": {
      const shape = d.shape as Record<string, Zod>;
      const fields = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, arb(v, noisy, depth + 1)]));
      const obj = fc.record(fields, { requiredKeys: noisy ? [] : Object.keys(shape).filter((k) => (shape[k] as { _zod: { optin?: string } })._zod.optin === undefined) }).chain((o) =>
        fc.record({ extra: fc.oneof({ arbitrary: fc.constant(null), weight: noisy ? 3 : 60 }, { arbitrary: fc.constantFrom("extra", "constructor", "pid2"), weight: 1 }), value: any }).map(({ extra, value }) => (extra ? { ...o, [extra]: value } : o)),
      );
      return depth > 4 ? obj : wrong(obj);
    }
    default:
      throw new Error(`no arbitrary for ${d.type}`);
  }
}

/** As it would reach the parser: through JSON, sometimes with a "__proto__" key in an object. */
const asJson = (v: unknown, proto: boolean): unknown => {
  let text = JSON.stringify(v === undefined ? null : v);
  if (proto && typeof v === "object" && v !== null && !Array.isArray(v)) text = `{"__proto__":{"paused":false}${text === "{}" ? "" : ","}${text.slice(1)}`;
  return JSON.parse(text);
};

/** Every object's prototype, depth first: Object.prototype, Array.prototype or something else. */
const protos = (v: unknown): string[] => {
  if (typeof v !== "object" || v === null) return [];
  const p = Object.getPrototypeOf(v);
  const here = p === Object.prototype ? "object" : p === Array.prototype ? "array" : "OTHER";
  return [here, ...Object.values(v).flatMap(protos)];
};

const FAST = fast as unknown as Record<string, (v: unknown) => unknown>;

describe("generated parsers", () => {
  it("the committed parsers.ts is what scripts/gen-parsers.ts makes from the schemas now", () => {
    expect(readFileSync(OUT_FILE, "utf8")).toBe(parsersSource());
  });

  for (const [name, { schema }] of Object.entries(TARGETS)) {
    for (const noisy of [true, false])
      it(`${name}: anything it returns is exactly zod's output for that input (${noisy ? "noisy" : "mostly good"} inputs)`, () => {
        let said = 0;
        let good = 0;
        fc.assert(
          fc.property(arb(schema as unknown as Zod, noisy), fc.integer({ min: 0, max: 9 }), (v, roll) => {
            const input = asJson(v, roll === 0);
            const z = (schema as z.ZodType).safeParse(input);
            const f = FAST[name]!(input);
            if (z.success) good++;
            if (f === fast.NO) return;
            said++;
            expect(z.success).toBe(true);
            expect(f).toStrictEqual(z.success ? z.data : undefined);
            // Key order too: a file written back from the parsed value reads the same.
            expect(JSON.stringify(f)).toBe(JSON.stringify(z.data));
            // And no smuggled prototype ("__proto__" in the file), which neither check above sees.
            expect(protos(f)).toEqual(protos(z.data));
          }),
          { numRuns: 2000 },
        );
        // Not vacuous: the inputs held good ones, and the parser said yes to most of them.
        if (!noisy) {
          expect(good).toBeGreaterThan(500);
          expect(said).toBeGreaterThan(good * 0.8);
        }
      });
  }

  it("say yes, with zod's output, to the files a real install has", () => {
    const configs = [{}, JSON.parse(readFileSync(join(ROOT, "scripts/demo.config.json"), "utf8"))];
    configs.push({
      $schema: "./watchkeeper.schema.json",
      timezone: "America/New_York",
      cycle: { schedule: "*/5 9-16 * * 1-5", layers: { "market-data": { stallSec: 300 } } },
      witness: { cycle: "https://hc-ping.com/1f2e", watchdog: "https://hc-ping.com/3a4b" },
      telegram: { chatId: -100123 },
      bot: { allowChatIds: [42, "-100123"] },
      alerts: { command: ["/usr/bin/say", "alert"] },
      risk: { maxOrdersPerCycle: 5, onPause: "flatten" },
    });
    for (const c of configs) {
      const f = fast.parseConfigFast(c);
      expect(f).not.toBe(fast.NO);
      expect(f).toStrictEqual(TARGETS.parseConfigFast!.schema.parse(c));
    }
    const files: [string, unknown][] = [
      ["parseHeartbeatFast", { at: 1795520601, iso: "2026-11-24T11:43:21Z", status: "ok", cycle: "c1", durationMs: 40, decisions: 2, pid: 1, host: "h", version: "0.1.0", strategy: "demo" }],
      ["parseCircuitFast", { paused: true, reason: "stale heartbeat", since: 1795520601, iso: "2026-11-24T11:43:21Z", by: "watchdog", host: "h" }],
      ["parseCircuitFast", { paused: false, note: "resumed by ann" }],
      ["parseWatchdogRecordFast", { at: 1795520601, verdict: "healthy", streak: 0, watchingSince: 1795520000, pid: 9 }],
      ["parseLockFast", { pid: 9, host: "h", startedAt: 1795520601.5, purpose: "cycle" }],
      ["parseOutboxItemFast", { id: "a", createdAt: 1, kind: "trip", text: "<b>x</b>", attempts: 0 }],
      ["parseProgressFast", { step: 3, note: "layer done", at: 1, cycle: "c1", pid: 9, layer: "signals" }],
      ["parseRemindRecordFast", { at: 1, firstAt: 1, circuit: "green" }],
    ];
    for (const [name, v] of files) {
      const f = FAST[name]!(v);
      expect(f, name).not.toBe(fast.NO);
      expect(f).toStrictEqual(TARGETS[name]!.schema.parse(v));
    }
  });

  it("a file that needs zod's verdict when zod cannot be loaded is invalid: fail closed, no crash", () => {
    const gone = () => {
      throw new Error("Cannot find module './zod-schemas.cjs'");
    };
    const heartbeat = fileParser(fast.parseHeartbeatFast, (s) => s.HeartbeatSchema, gone);
    // A good file never needs zod.
    expect(heartbeat.safeParse({ at: 1, status: "ok" })).toEqual({ success: true, data: { at: 1, status: "ok" } });
    const bad = heartbeat.safeParse({ at: "yesterday", status: "ok" });
    expect(bad.success).toBe(false);
    expect(bad.success ? "" : bad.why).toContain("the schema checker cannot load (Cannot find module './zod-schemas.cjs'; run npm run build)");
  });
});
