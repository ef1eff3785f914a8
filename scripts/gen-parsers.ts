/**
 * One schema, one truth, without zod on every start: writes watchdog/core/generated/parsers.ts,
 * a plain-JavaScript parser for each file format, made from its zod schema. Each returns
 * exactly what zod's parse would return for an input zod accepts, or NO when it is not
 * sure; the caller then asks zod itself for the verdict and its message (see parse.ts).
 * test/parsers.test.ts checks the first promise against zod on generated inputs and that
 * the committed file is what this script writes now. `--check` fails when it has drifted.
 *
 * It knows the zod constructs our schemas use and refuses (throws) on any other, so a new
 * construct in a schema fails `npm run gen` loudly instead of being parsed wrongly.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { ConfigSchema } from "../watchdog/core/config-schema.js";
import { isValidCron, isValidTimezone } from "../watchdog/core/cron.js";
import * as S from "../watchdog/core/schemas.js";
import { projectDir } from "../watchdog/core/where.js";

/** The schemas to compile, by the exported name of their parser, with their output type. */
export const TARGETS: Record<string, { schema: z.ZodType; type: string; from: string }> = {
  parseConfigFast: { schema: ConfigSchema, type: "Config", from: "../config-schema.js" },
  parseHeartbeatFast: { schema: S.HeartbeatSchema, type: "Heartbeat", from: "../schemas.js" },
  parseCircuitFast: { schema: S.CircuitSchema, type: "Circuit", from: "../schemas.js" },
  parseOutboxItemFast: { schema: S.OutboxItemSchema, type: "OutboxItem", from: "../schemas.js" },
  parseLockFast: { schema: S.LockSchema, type: "LockInfo", from: "../schemas.js" },
  parseProgressFast: { schema: S.ProgressSchema, type: "Progress", from: "../schemas.js" },
  parseWatchdogRecordFast: { schema: S.WatchdogRecordSchema, type: "WatchdogRecord", from: "../schemas.js" },
  parseRemindRecordFast: { schema: S.RemindRecordSchema, type: "RemindRecord", from: "../schemas.js" },
};

/** Functions a refine() or transform() may use, by identity: the parser calls the same one. */
const KNOWN: Map<unknown, { name: string; from: string | null }> = new Map<unknown, { name: string; from: string | null }>([
  [isValidCron, { name: "isValidCron", from: "../cron.js" }],
  [isValidTimezone, { name: "isValidTimezone", from: "../cron.js" }],
  [String, { name: "String", from: null }],
]);

export const OUT_FILE = join(projectDir(), "watchdog/core/generated/parsers.ts");

type Def = Record<string, unknown> & { type: string; checks?: { _zod: { def: Record<string, unknown> } }[] };
type Zod = { _zod: { def: Def; optin?: string; optout?: string } };

class Unsupported extends Error {}

function compile(): string {
  const bodies = new Map<string, string>(); // body -> function name, so equal nodes share one function
  const used = new Set<string>();
  const keySets = new Map<string, string>(); // JSON of an object's field names -> the name of their Set
  const keySet = (keys: string[]): string => {
    const json = JSON.stringify(keys);
    let name = keySets.get(json);
    if (!name) keySets.set(json, (name = `KEYS${keySets.size}`));
    return name;
  };
  const fn = (body: string): string => {
    let name = bodies.get(body);
    if (!name) bodies.set(body, (name = `p${bodies.size}`));
    return name;
  };
  const known = (f: unknown, where: string): string => {
    const k = KNOWN.get(f);
    if (!k) throw new Unsupported(`${where}: a function the generator does not know (add it to KNOWN in scripts/gen-parsers.ts)`);
    if (k.from) used.add(k.name);
    return k.name;
  };
  const lit = (v: unknown): string => {
    const json = JSON.stringify(v);
    if (json === undefined || JSON.stringify(JSON.parse(json)) !== json) throw new Unsupported(`default ${String(v)} is not plain JSON`);
    return json;
  };

  /** Whether a node can answer NO for an input zod accepts (then it may not sit inside a union). */
  const exact = (s: Zod): boolean => {
    const d = s._zod.def;
    if (d.type === "object" || d.type === "record" || d.type === "unknown") return false;
    for (const k of ["innerType", "element", "in"] as const) if (d[k] && !exact(d[k] as Zod)) return false;
    if (d.options && !(d.options as Zod[]).every(exact)) return false;
    return true;
  };

  const checks = (d: Def, where: string): string[] =>
    (d.checks ?? []).map((c) => {
      const cd = c._zod.def;
      // Length checks carry zod's default guard "has a length", always true on a string or an array.
      if (cd.when !== undefined && cd.check !== "min_length") throw new Unsupported(`${where}: a check with "when"`);
      switch (cd.check) {
        case "min_length":
          return `if (v.length < ${Number(cd.minimum)}) return NO;`;
        case "greater_than":
          return `if (!(v ${cd.inclusive ? ">=" : ">"} ${Number(cd.value)})) return NO;`;
        case "less_than":
          return `if (!(v ${cd.inclusive ? "<=" : "<"} ${Number(cd.value)})) return NO;`;
        case "number_format":
          if (cd.format !== "safeint") throw new Unsupported(`${where}: number format ${String(cd.format)}`);
          return "if (!Number.isSafeInteger(v)) return NO;";
        case "custom":
          return `if (!${known(cd.fn, where)}(v)) return NO;`;
        default:
          throw new Unsupported(`${where}: check ${String(cd.check)}`);
      }
    });

  const node = (s: Zod, where: string): string => {
    const d = s._zod.def;
    switch (d.type) {
      case "string": {
        const lines = ['if (typeof v !== "string") return NO;'];
        if (d.format === "url") {
          // z.url() without options: zod trims, asks URL.canParse, and returns the trimmed text without tabs and newlines.
          if ("normalize" in d || "hostname" in d || "protocol" in d) throw new Unsupported(`${where}: url options`);
          lines.push("v = v.trim();", "if (!URL.canParse(v)) return NO;", 'v = v.replace(/[\\t\\n\\r]/g, "");');
        } else if (d.format !== undefined) throw new Unsupported(`${where}: string format ${String(d.format)}`);
        if (d.coerce) throw new Unsupported(`${where}: coerce`);
        return fn([...lines, ...checks(d, where), "return v;"].join("\n"));
      }
      case "number":
        if (d.coerce) throw new Unsupported(`${where}: coerce`);
        return fn(['if (typeof v !== "number" || !Number.isFinite(v)) return NO;', ...checks(d, where), "return v;"].join("\n"));
      case "boolean":
        return fn([`if (typeof v !== "boolean") return NO;`, ...checks(d, where), "return v;"].join("\n"));
      case "unknown":
        return fn("return v;");
      case "enum": {
        const values = Object.values(d.entries as Record<string, unknown>);
        if (!values.every((x) => typeof x === "string")) throw new Unsupported(`${where}: non-string enum`);
        return fn(`return ${lit(values)}.includes(v) ? v : NO;`);
      }
      case "optional": {
        const inner = d.innerType as Zod;
        if (inner._zod.optin === "defaulted") throw new Unsupported(`${where}: optional around a default`);
        return fn(`return v === undefined ? undefined : ${node(inner, where)}(v);`);
      }
      case "nullable":
        return fn(`return v === null ? null : ${node(d.innerType as Zod, where)}(v);`);
      case "default": {
        // zod returns a default as it is, without parsing it; a fresh copy each time.
        const inner = node(d.innerType as Zod, where);
        const dv = lit(d.defaultValue);
        return fn(`if (v === undefined) return ${dv};\nconst r = ${inner}(v);\nreturn r === undefined ? ${dv} : r;`);
      }
      case "prefault": {
        // a prefault is parsed, as if the file had said it.
        return fn(`return ${node(d.innerType as Zod, where)}(v === undefined ? ${lit(d.defaultValue)} : v);`);
      }
      case "array": {
        const el = node(d.element as Zod, `${where}[]`);
        return fn(
          [
            "if (!Array.isArray(v)) return NO;",
            "const out = new Array(v.length);",
            "for (let i = 0; i < v.length; i++) {",
            `  const r = ${el}(v[i]);`,
            "  if (r === NO) return NO;",
            "  out[i] = r;",
            "}",
            ...checks(d, where).map((c) => c.replace(/\bv\b/g, "out")),
            "return out;",
          ].join("\n"),
        );
      }
      case "union": {
        const options = d.options as Zod[];
        // NO means "not sure", not "no": an option that can say NO to a good input would hand it to the next.
        if (!options.every(exact)) throw new Unsupported(`${where}: union of options that are not exact`);
        const lines = options.map((o, i) => `const r${i} = ${node(o, `${where}|${i}`)}(v);\nif (r${i} !== NO) return r${i};`);
        return fn([...lines, "return NO;"].join("\n"));
      }
      case "pipe": {
        const out = (d.out as Zod)._zod.def;
        if (out.type !== "transform") throw new Unsupported(`${where}: pipe into ${out.type}`);
        return fn(`const r = ${node(d.in as Zod, where)}(v);\nreturn r === NO ? NO : ${known(out.transform, where)}(r);`);
      }
      case "record": {
        const key = (d.keyType as Zod)._zod.def;
        if (key.type !== "string" || key.checks?.length || key.format !== undefined) throw new Unsupported(`${where}: record keys other than plain strings`);
        const val = node(d.valueType as Zod, `${where}.*`);
        return fn(
          [
            "if (!isPlain(v)) return NO;",
            "const out: Record<string, unknown> = {};",
            "for (const k of Object.keys(v)) {",
            '  if (k === "__proto__") return NO;',
            `  const r = ${val}(v[k]);`,
            "  if (r === NO) return NO;",
            "  out[k] = r;",
            "}",
            "return out;",
          ].join("\n"),
        );
      }
      case "object": {
        const shape = d.shape as Record<string, Zod>;
        const catchall = d.catchall as Zod | undefined;
        const rest = catchall === undefined ? "strip" : catchall._zod.def.type === "never" ? "strict" : catchall._zod.def.type === "unknown" ? "loose" : null;
        if (rest === null) throw new Unsupported(`${where}: catchall ${catchall?._zod.def.type}`);
        const lines = ["if (!isPlain(v)) return NO;", "const out: Record<string, unknown> = {};", "let r: unknown;"];
        for (const [k, el] of Object.entries(shape)) {
          if (k === "__proto__") throw new Unsupported(`${where}: a field named __proto__`);
          const key = JSON.stringify(k);
          const { optin, optout } = el._zod;
          const p = node(el, `${where}.${k}`);
          // As zod's handlePropertyResult, for a good input: an absent optional key adds
          // nothing; an absent required key is an error; an undefined result keeps the key
          // when it was there (or was defaulted).
          let always: boolean; // the key is in the output whatever the result
          if (optin === "optional" && optout === "optional") (always = true), lines.push(`if (${key} in v) {`);
          else if (optin === undefined) (always = true), lines.push(`if (!(${key} in v)) return NO;`, "{");
          else (always = optin === "defaulted" && optout !== "optional"), lines.push("{");
          lines.push(`  r = ${p}(v[${key}]);`, "  if (r === NO) return NO;");
          lines.push(always ? `  out[${key}] = r;` : `  if (r !== undefined || ${key} in v) out[${key}] = r;`, "}");
        }
        if (rest !== "strip") {
          lines.push(`for (const k in v) {`, `  if (${keySet(Object.keys(shape))}.has(k)) continue;`);
          lines.push(rest === "strict" ? "  return NO;" : '  if (k === "__proto__") return NO;\n  out[k] = v[k];', "}");
        }
        lines.push("return out;");
        return fn(lines.join("\n"));
      }
      default:
        throw new Unsupported(`${where}: zod type ${d.type}`);
    }
  };

  const exports = Object.entries(TARGETS).map(([name, t]) => `export const ${name} = (v: unknown): ${t.type} | typeof NO => ${node(t.schema as unknown as Zod, name)}(v) as ${t.type} | typeof NO;`);

  const imports = new Map<string, Set<string>>();
  const add = (from: string, name: string, type = false) => (imports.get(from) ?? imports.set(from, new Set()).get(from)!).add(type ? `type ${name}` : name);
  for (const t of Object.values(TARGETS)) add(t.from, t.type, true);
  for (const k of KNOWN.values()) if (k.from && used.has(k.name)) add(k.from, k.name);
  const out = [
    "// Made by scripts/gen-parsers.ts from the zod schemas: do not edit; run `npm run gen`.",
    "// Each returns what zod would for an input zod accepts, or NO when it is not sure (then",
    "// ask zod). test/parsers.test.ts holds every one to that against zod itself.",
    "/* eslint-disable */",
    ...[...imports].sort(([a], [b]) => a.localeCompare(b)).map(([from, names]) => `import { ${[...names].sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", ""))).join(", ")} } from "${from}";`),
    "",
    "/** Not sure: let zod decide. */",
    'export const NO: unique symbol = Symbol("not sure");',
    "",
    "/** A plain object, as JSON.parse makes: anything else is left to zod. */",
    "const isPlain = (v: unknown): v is Record<string, any> => typeof v === \"object\" && v !== null && Object.getPrototypeOf(v) === Object.prototype;",
    "",
  ];
  for (const [json, name] of keySets) out.push(`const ${name} = new Set<string>(${json});`);
  for (const [body, name] of bodies) out.push(`function ${name}(v: any): any {\n${body.replace(/^/gm, "  ")}\n}`);
  out.push("", ...exports, "");
  return out.join("\n");
}

export function parsersSource(): string {
  return compile();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = parsersSource();
  if (process.argv.includes("--check")) {
    let now = "";
    try {
      now = readFileSync(OUT_FILE, "utf8");
    } catch {
      now = "";
    }
    if (now !== text) {
      process.stderr.write(`${OUT_FILE} is out of date: run npm run gen\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(OUT_FILE, text);
    process.stdout.write(`wrote ${OUT_FILE}\n`);
  }
}
