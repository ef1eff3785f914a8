// Made by scripts/gen-parsers.ts from the zod schemas: do not edit; run `npm run gen`.
// Each returns what zod would for an input zod accepts, or NO when it is not sure (then
// ask zod). test/parsers.test.ts holds every one to that against zod itself.
/* eslint-disable */
import { type Config } from "../config-schema.js";
import { isValidCron, isValidTimezone } from "../cron.js";
import { type Circuit, type Heartbeat, type LockInfo, type OutboxItem, type Progress, type RemindRecord, type WatchdogRecord } from "../schemas.js";

/** Not sure: let zod decide. */
export const NO: unique symbol = Symbol("not sure");

/** A plain object, as JSON.parse makes: anything else is left to zod. */
const isPlain = (v: unknown): v is Record<string, any> => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

const KEYS0 = new Set<string>(["data","memory"]);
const KEYS1 = new Set<string>(["module","options"]);
const KEYS2 = new Set<string>(["timeoutSec","stallSec"]);
const KEYS3 = new Set<string>(["schedule","timeoutSec","abortGraceSec","stallSec","layers","maxUnproductive"]);
const KEYS4 = new Set<string>(["schedule","maxAgeSec","graceSec","tripAfter","killStalled","killGraceSec"]);
const KEYS5 = new Set<string>(["schedule"]);
const KEYS6 = new Set<string>(["maxOrdersPerCycle","maxPositionPerSymbol","maxOrderNotional","maxDailyLossPct","maxSpendPerDay","onPause"]);
const KEYS7 = new Set<string>(["cycle","watchdog","budgetSec","apiUrl"]);
const KEYS8 = new Set<string>(["allowChatIds","pollTimeoutSec"]);
const KEYS9 = new Set<string>(["chatId","apiRoot","timeoutSec","maxRetries"]);
const KEYS10 = new Set<string>(["maxPerRun","command","commandTimeoutSec"]);
const KEYS11 = new Set<string>(["level"]);
const KEYS12 = new Set<string>(["$schema","timezone","paths","strategy","cycle","watchdog","reminder","risk","witness","bot","telegram","alerts","log"]);
const KEYS13 = new Set<string>(["at","iso","status","cycle","startedAt","durationMs","decisions","error","layer","dataAt","unproductive","pid","host","version","strategy"]);
const KEYS14 = new Set<string>(["paused","reason","since","iso","by","host"]);
const KEYS15 = new Set<string>(["id","createdAt","kind","text","attempts","lastError","lastAttemptAt"]);
const KEYS16 = new Set<string>(["pid","host","startedAt","purpose","cycle"]);
const KEYS17 = new Set<string>(["step","note","at","cycle","pid","layer"]);
const KEYS18 = new Set<string>(["at","iso","verdict","detail","streak","wakeAt","watchingSince","pid"]);
const KEYS19 = new Set<string>(["at","iso","firstAt","circuit"]);
function p0(v: any): any {
  if (typeof v !== "string") return NO;
  return v;
}
function p1(v: any): any {
  return v === undefined ? undefined : p0(v);
}
function p2(v: any): any {
  if (typeof v !== "string") return NO;
  if (!isValidTimezone(v)) return NO;
  return v;
}
function p3(v: any): any {
  if (v === undefined) return "UTC";
  const r = p2(v);
  return r === undefined ? "UTC" : r;
}
function p4(v: any): any {
  if (typeof v !== "string") return NO;
  if (v.length < 1) return NO;
  return v;
}
function p5(v: any): any {
  if (v === undefined) return "data";
  const r = p4(v);
  return r === undefined ? "data" : r;
}
function p6(v: any): any {
  if (v === undefined) return "memory";
  const r = p4(v);
  return r === undefined ? "memory" : r;
}
function p7(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p5(v["data"]);
    if (r === NO) return NO;
    out["data"] = r;
  }
  {
    r = p6(v["memory"]);
    if (r === NO) return NO;
    out["memory"] = r;
  }
  for (const k in v) {
    if (KEYS0.has(k)) continue;
    return NO;
  }
  return out;
}
function p8(v: any): any {
  return p7(v === undefined ? {} : v);
}
function p9(v: any): any {
  if (v === undefined) return "demo";
  const r = p4(v);
  return r === undefined ? "demo" : r;
}
function p10(v: any): any {
  return v;
}
function p11(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (k === "__proto__") return NO;
    const r = p10(v[k]);
    if (r === NO) return NO;
    out[k] = r;
  }
  return out;
}
function p12(v: any): any {
  if (v === undefined) return {};
  const r = p11(v);
  return r === undefined ? {} : r;
}
function p13(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p9(v["module"]);
    if (r === NO) return NO;
    out["module"] = r;
  }
  {
    r = p12(v["options"]);
    if (r === NO) return NO;
    out["options"] = r;
  }
  for (const k in v) {
    if (KEYS1.has(k)) continue;
    return NO;
  }
  return out;
}
function p14(v: any): any {
  return p13(v === undefined ? {} : v);
}
function p15(v: any): any {
  if (typeof v !== "string") return NO;
  if (!isValidCron(v)) return NO;
  return v;
}
function p16(v: any): any {
  if (v === undefined) return "*/5 * * * *";
  const r = p15(v);
  return r === undefined ? "*/5 * * * *" : r;
}
function p17(v: any): any {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO;
  if (!(v > 0)) return NO;
  return v;
}
function p18(v: any): any {
  if (v === undefined) return 240;
  const r = p17(v);
  return r === undefined ? 240 : r;
}
function p19(v: any): any {
  if (v === undefined) return 5;
  const r = p17(v);
  return r === undefined ? 5 : r;
}
function p20(v: any): any {
  if (v === undefined) return 120;
  const r = p17(v);
  return r === undefined ? 120 : r;
}
function p21(v: any): any {
  return v === undefined ? undefined : p17(v);
}
function p22(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if ("timeoutSec" in v) {
    r = p21(v["timeoutSec"]);
    if (r === NO) return NO;
    out["timeoutSec"] = r;
  }
  if ("stallSec" in v) {
    r = p21(v["stallSec"]);
    if (r === NO) return NO;
    out["stallSec"] = r;
  }
  for (const k in v) {
    if (KEYS2.has(k)) continue;
    return NO;
  }
  return out;
}
function p23(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (k === "__proto__") return NO;
    const r = p22(v[k]);
    if (r === NO) return NO;
    out[k] = r;
  }
  return out;
}
function p24(v: any): any {
  if (v === undefined) return {};
  const r = p23(v);
  return r === undefined ? {} : r;
}
function p25(v: any): any {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO;
  if (!Number.isSafeInteger(v)) return NO;
  if (!(v >= 1)) return NO;
  return v;
}
function p26(v: any): any {
  if (v === undefined) return 3;
  const r = p25(v);
  return r === undefined ? 3 : r;
}
function p27(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p16(v["schedule"]);
    if (r === NO) return NO;
    out["schedule"] = r;
  }
  {
    r = p18(v["timeoutSec"]);
    if (r === NO) return NO;
    out["timeoutSec"] = r;
  }
  {
    r = p19(v["abortGraceSec"]);
    if (r === NO) return NO;
    out["abortGraceSec"] = r;
  }
  {
    r = p20(v["stallSec"]);
    if (r === NO) return NO;
    out["stallSec"] = r;
  }
  {
    r = p24(v["layers"]);
    if (r === NO) return NO;
    out["layers"] = r;
  }
  {
    r = p26(v["maxUnproductive"]);
    if (r === NO) return NO;
    out["maxUnproductive"] = r;
  }
  for (const k in v) {
    if (KEYS3.has(k)) continue;
    return NO;
  }
  return out;
}
function p28(v: any): any {
  return p27(v === undefined ? {} : v);
}
function p29(v: any): any {
  if (v === undefined) return "*/15 * * * *";
  const r = p15(v);
  return r === undefined ? "*/15 * * * *" : r;
}
function p30(v: any): any {
  if (v === undefined) return 60;
  const r = p17(v);
  return r === undefined ? 60 : r;
}
function p31(v: any): any {
  if (v === undefined) return 1;
  const r = p25(v);
  return r === undefined ? 1 : r;
}
function p32(v: any): any {
  if (typeof v !== "boolean") return NO;
  return v;
}
function p33(v: any): any {
  if (v === undefined) return true;
  const r = p32(v);
  return r === undefined ? true : r;
}
function p34(v: any): any {
  if (v === undefined) return 10;
  const r = p17(v);
  return r === undefined ? 10 : r;
}
function p35(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p29(v["schedule"]);
    if (r === NO) return NO;
    out["schedule"] = r;
  }
  if ("maxAgeSec" in v) {
    r = p21(v["maxAgeSec"]);
    if (r === NO) return NO;
    out["maxAgeSec"] = r;
  }
  {
    r = p30(v["graceSec"]);
    if (r === NO) return NO;
    out["graceSec"] = r;
  }
  {
    r = p31(v["tripAfter"]);
    if (r === NO) return NO;
    out["tripAfter"] = r;
  }
  {
    r = p33(v["killStalled"]);
    if (r === NO) return NO;
    out["killStalled"] = r;
  }
  {
    r = p34(v["killGraceSec"]);
    if (r === NO) return NO;
    out["killGraceSec"] = r;
  }
  for (const k in v) {
    if (KEYS4.has(k)) continue;
    return NO;
  }
  return out;
}
function p36(v: any): any {
  return p35(v === undefined ? {} : v);
}
function p37(v: any): any {
  if (v === undefined) return "0 9 * * *";
  const r = p15(v);
  return r === undefined ? "0 9 * * *" : r;
}
function p38(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p37(v["schedule"]);
    if (r === NO) return NO;
    out["schedule"] = r;
  }
  for (const k in v) {
    if (KEYS5.has(k)) continue;
    return NO;
  }
  return out;
}
function p39(v: any): any {
  return p38(v === undefined ? {} : v);
}
function p40(v: any): any {
  return ["cancel","flatten","reduce-only"].includes(v) ? v : NO;
}
function p41(v: any): any {
  if (v === undefined) return "cancel";
  const r = p40(v);
  return r === undefined ? "cancel" : r;
}
function p42(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if ("maxOrdersPerCycle" in v) {
    r = p21(v["maxOrdersPerCycle"]);
    if (r === NO) return NO;
    out["maxOrdersPerCycle"] = r;
  }
  if ("maxPositionPerSymbol" in v) {
    r = p21(v["maxPositionPerSymbol"]);
    if (r === NO) return NO;
    out["maxPositionPerSymbol"] = r;
  }
  if ("maxOrderNotional" in v) {
    r = p21(v["maxOrderNotional"]);
    if (r === NO) return NO;
    out["maxOrderNotional"] = r;
  }
  if ("maxDailyLossPct" in v) {
    r = p21(v["maxDailyLossPct"]);
    if (r === NO) return NO;
    out["maxDailyLossPct"] = r;
  }
  if ("maxSpendPerDay" in v) {
    r = p21(v["maxSpendPerDay"]);
    if (r === NO) return NO;
    out["maxSpendPerDay"] = r;
  }
  {
    r = p41(v["onPause"]);
    if (r === NO) return NO;
    out["onPause"] = r;
  }
  for (const k in v) {
    if (KEYS6.has(k)) continue;
    return NO;
  }
  return out;
}
function p43(v: any): any {
  return p42(v === undefined ? {} : v);
}
function p44(v: any): any {
  if (typeof v !== "string") return NO;
  v = v.trim();
  if (!URL.canParse(v)) return NO;
  v = v.replace(/[\t\n\r]/g, "");
  return v;
}
function p45(v: any): any {
  return v === undefined ? undefined : p44(v);
}
function p46(v: any): any {
  if (v === undefined) return 2;
  const r = p17(v);
  return r === undefined ? 2 : r;
}
function p47(v: any): any {
  if (v === undefined) return "https://healthchecks.io";
  const r = p44(v);
  return r === undefined ? "https://healthchecks.io" : r;
}
function p48(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if ("cycle" in v) {
    r = p45(v["cycle"]);
    if (r === NO) return NO;
    out["cycle"] = r;
  }
  if ("watchdog" in v) {
    r = p45(v["watchdog"]);
    if (r === NO) return NO;
    out["watchdog"] = r;
  }
  {
    r = p46(v["budgetSec"]);
    if (r === NO) return NO;
    out["budgetSec"] = r;
  }
  {
    r = p47(v["apiUrl"]);
    if (r === NO) return NO;
    out["apiUrl"] = r;
  }
  for (const k in v) {
    if (KEYS7.has(k)) continue;
    return NO;
  }
  return out;
}
function p49(v: any): any {
  return p48(v === undefined ? {} : v);
}
function p50(v: any): any {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO;
  if (!Number.isSafeInteger(v)) return NO;
  return v;
}
function p51(v: any): any {
  const r0 = p4(v);
  if (r0 !== NO) return r0;
  const r1 = p50(v);
  if (r1 !== NO) return r1;
  return NO;
}
function p52(v: any): any {
  const r = p51(v);
  return r === NO ? NO : String(r);
}
function p53(v: any): any {
  if (!Array.isArray(v)) return NO;
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const r = p52(v[i]);
    if (r === NO) return NO;
    out[i] = r;
  }
  return out;
}
function p54(v: any): any {
  if (v === undefined) return [];
  const r = p53(v);
  return r === undefined ? [] : r;
}
function p55(v: any): any {
  if (v === undefined) return 30;
  const r = p17(v);
  return r === undefined ? 30 : r;
}
function p56(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p54(v["allowChatIds"]);
    if (r === NO) return NO;
    out["allowChatIds"] = r;
  }
  {
    r = p55(v["pollTimeoutSec"]);
    if (r === NO) return NO;
    out["pollTimeoutSec"] = r;
  }
  for (const k in v) {
    if (KEYS8.has(k)) continue;
    return NO;
  }
  return out;
}
function p57(v: any): any {
  return p56(v === undefined ? {} : v);
}
function p58(v: any): any {
  return v === undefined ? undefined : p52(v);
}
function p59(v: any): any {
  if (v === undefined) return "https://api.telegram.org";
  const r = p44(v);
  return r === undefined ? "https://api.telegram.org" : r;
}
function p60(v: any): any {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO;
  if (!Number.isSafeInteger(v)) return NO;
  if (!(v >= 0)) return NO;
  return v;
}
function p61(v: any): any {
  if (v === undefined) return 2;
  const r = p60(v);
  return r === undefined ? 2 : r;
}
function p62(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if ("chatId" in v) {
    r = p58(v["chatId"]);
    if (r === NO) return NO;
    out["chatId"] = r;
  }
  {
    r = p59(v["apiRoot"]);
    if (r === NO) return NO;
    out["apiRoot"] = r;
  }
  {
    r = p34(v["timeoutSec"]);
    if (r === NO) return NO;
    out["timeoutSec"] = r;
  }
  {
    r = p61(v["maxRetries"]);
    if (r === NO) return NO;
    out["maxRetries"] = r;
  }
  for (const k in v) {
    if (KEYS9.has(k)) continue;
    return NO;
  }
  return out;
}
function p63(v: any): any {
  return p62(v === undefined ? {} : v);
}
function p64(v: any): any {
  if (v === undefined) return 20;
  const r = p25(v);
  return r === undefined ? 20 : r;
}
function p65(v: any): any {
  if (!Array.isArray(v)) return NO;
  const out = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const r = p4(v[i]);
    if (r === NO) return NO;
    out[i] = r;
  }
  if (out.length < 1) return NO;
  return out;
}
function p66(v: any): any {
  const r0 = p4(v);
  if (r0 !== NO) return r0;
  const r1 = p65(v);
  if (r1 !== NO) return r1;
  return NO;
}
function p67(v: any): any {
  return v === undefined ? undefined : p66(v);
}
function p68(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p64(v["maxPerRun"]);
    if (r === NO) return NO;
    out["maxPerRun"] = r;
  }
  if ("command" in v) {
    r = p67(v["command"]);
    if (r === NO) return NO;
    out["command"] = r;
  }
  {
    r = p34(v["commandTimeoutSec"]);
    if (r === NO) return NO;
    out["commandTimeoutSec"] = r;
  }
  for (const k in v) {
    if (KEYS10.has(k)) continue;
    return NO;
  }
  return out;
}
function p69(v: any): any {
  return p68(v === undefined ? {} : v);
}
function p70(v: any): any {
  return ["trace","debug","info","warn","error","fatal"].includes(v) ? v : NO;
}
function p71(v: any): any {
  if (v === undefined) return "info";
  const r = p70(v);
  return r === undefined ? "info" : r;
}
function p72(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  {
    r = p71(v["level"]);
    if (r === NO) return NO;
    out["level"] = r;
  }
  for (const k in v) {
    if (KEYS11.has(k)) continue;
    return NO;
  }
  return out;
}
function p73(v: any): any {
  return p72(v === undefined ? {} : v);
}
function p74(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if ("$schema" in v) {
    r = p1(v["$schema"]);
    if (r === NO) return NO;
    out["$schema"] = r;
  }
  {
    r = p3(v["timezone"]);
    if (r === NO) return NO;
    out["timezone"] = r;
  }
  {
    r = p8(v["paths"]);
    if (r === NO) return NO;
    out["paths"] = r;
  }
  {
    r = p14(v["strategy"]);
    if (r === NO) return NO;
    out["strategy"] = r;
  }
  {
    r = p28(v["cycle"]);
    if (r === NO) return NO;
    out["cycle"] = r;
  }
  {
    r = p36(v["watchdog"]);
    if (r === NO) return NO;
    out["watchdog"] = r;
  }
  {
    r = p39(v["reminder"]);
    if (r === NO) return NO;
    out["reminder"] = r;
  }
  {
    r = p43(v["risk"]);
    if (r === NO) return NO;
    out["risk"] = r;
  }
  {
    r = p49(v["witness"]);
    if (r === NO) return NO;
    out["witness"] = r;
  }
  {
    r = p57(v["bot"]);
    if (r === NO) return NO;
    out["bot"] = r;
  }
  {
    r = p63(v["telegram"]);
    if (r === NO) return NO;
    out["telegram"] = r;
  }
  {
    r = p69(v["alerts"]);
    if (r === NO) return NO;
    out["alerts"] = r;
  }
  {
    r = p73(v["log"]);
    if (r === NO) return NO;
    out["log"] = r;
  }
  for (const k in v) {
    if (KEYS12.has(k)) continue;
    return NO;
  }
  return out;
}
function p75(v: any): any {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO;
  return v;
}
function p76(v: any): any {
  return v === undefined ? undefined : p75(v);
}
function p77(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("at" in v)) return NO;
  {
    r = p75(v["at"]);
    if (r === NO) return NO;
    out["at"] = r;
  }
  if ("iso" in v) {
    r = p1(v["iso"]);
    if (r === NO) return NO;
    out["iso"] = r;
  }
  if (!("status" in v)) return NO;
  {
    r = p0(v["status"]);
    if (r === NO) return NO;
    out["status"] = r;
  }
  if ("cycle" in v) {
    r = p1(v["cycle"]);
    if (r === NO) return NO;
    out["cycle"] = r;
  }
  if ("startedAt" in v) {
    r = p76(v["startedAt"]);
    if (r === NO) return NO;
    out["startedAt"] = r;
  }
  if ("durationMs" in v) {
    r = p76(v["durationMs"]);
    if (r === NO) return NO;
    out["durationMs"] = r;
  }
  if ("decisions" in v) {
    r = p76(v["decisions"]);
    if (r === NO) return NO;
    out["decisions"] = r;
  }
  if ("error" in v) {
    r = p1(v["error"]);
    if (r === NO) return NO;
    out["error"] = r;
  }
  if ("layer" in v) {
    r = p1(v["layer"]);
    if (r === NO) return NO;
    out["layer"] = r;
  }
  if ("dataAt" in v) {
    r = p76(v["dataAt"]);
    if (r === NO) return NO;
    out["dataAt"] = r;
  }
  if ("unproductive" in v) {
    r = p76(v["unproductive"]);
    if (r === NO) return NO;
    out["unproductive"] = r;
  }
  if ("pid" in v) {
    r = p76(v["pid"]);
    if (r === NO) return NO;
    out["pid"] = r;
  }
  if ("host" in v) {
    r = p1(v["host"]);
    if (r === NO) return NO;
    out["host"] = r;
  }
  if ("version" in v) {
    r = p1(v["version"]);
    if (r === NO) return NO;
    out["version"] = r;
  }
  if ("strategy" in v) {
    r = p1(v["strategy"]);
    if (r === NO) return NO;
    out["strategy"] = r;
  }
  for (const k in v) {
    if (KEYS13.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}
function p78(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("paused" in v)) return NO;
  {
    r = p32(v["paused"]);
    if (r === NO) return NO;
    out["paused"] = r;
  }
  if ("reason" in v) {
    r = p1(v["reason"]);
    if (r === NO) return NO;
    out["reason"] = r;
  }
  if ("since" in v) {
    r = p76(v["since"]);
    if (r === NO) return NO;
    out["since"] = r;
  }
  if ("iso" in v) {
    r = p1(v["iso"]);
    if (r === NO) return NO;
    out["iso"] = r;
  }
  if ("by" in v) {
    r = p1(v["by"]);
    if (r === NO) return NO;
    out["by"] = r;
  }
  if ("host" in v) {
    r = p1(v["host"]);
    if (r === NO) return NO;
    out["host"] = r;
  }
  for (const k in v) {
    if (KEYS14.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}
function p79(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("id" in v)) return NO;
  {
    r = p0(v["id"]);
    if (r === NO) return NO;
    out["id"] = r;
  }
  if (!("createdAt" in v)) return NO;
  {
    r = p75(v["createdAt"]);
    if (r === NO) return NO;
    out["createdAt"] = r;
  }
  if (!("kind" in v)) return NO;
  {
    r = p0(v["kind"]);
    if (r === NO) return NO;
    out["kind"] = r;
  }
  if (!("text" in v)) return NO;
  {
    r = p0(v["text"]);
    if (r === NO) return NO;
    out["text"] = r;
  }
  if (!("attempts" in v)) return NO;
  {
    r = p60(v["attempts"]);
    if (r === NO) return NO;
    out["attempts"] = r;
  }
  if ("lastError" in v) {
    r = p1(v["lastError"]);
    if (r === NO) return NO;
    out["lastError"] = r;
  }
  if ("lastAttemptAt" in v) {
    r = p76(v["lastAttemptAt"]);
    if (r === NO) return NO;
    out["lastAttemptAt"] = r;
  }
  for (const k in v) {
    if (KEYS15.has(k)) continue;
    return NO;
  }
  return out;
}
function p80(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("pid" in v)) return NO;
  {
    r = p50(v["pid"]);
    if (r === NO) return NO;
    out["pid"] = r;
  }
  if (!("host" in v)) return NO;
  {
    r = p0(v["host"]);
    if (r === NO) return NO;
    out["host"] = r;
  }
  if (!("startedAt" in v)) return NO;
  {
    r = p75(v["startedAt"]);
    if (r === NO) return NO;
    out["startedAt"] = r;
  }
  if ("purpose" in v) {
    r = p1(v["purpose"]);
    if (r === NO) return NO;
    out["purpose"] = r;
  }
  if ("cycle" in v) {
    r = p1(v["cycle"]);
    if (r === NO) return NO;
    out["cycle"] = r;
  }
  for (const k in v) {
    if (KEYS16.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}
function p81(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("step" in v)) return NO;
  {
    r = p50(v["step"]);
    if (r === NO) return NO;
    out["step"] = r;
  }
  if (!("note" in v)) return NO;
  {
    r = p0(v["note"]);
    if (r === NO) return NO;
    out["note"] = r;
  }
  if (!("at" in v)) return NO;
  {
    r = p75(v["at"]);
    if (r === NO) return NO;
    out["at"] = r;
  }
  if (!("cycle" in v)) return NO;
  {
    r = p0(v["cycle"]);
    if (r === NO) return NO;
    out["cycle"] = r;
  }
  if (!("pid" in v)) return NO;
  {
    r = p50(v["pid"]);
    if (r === NO) return NO;
    out["pid"] = r;
  }
  if ("layer" in v) {
    r = p1(v["layer"]);
    if (r === NO) return NO;
    out["layer"] = r;
  }
  for (const k in v) {
    if (KEYS17.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}
function p82(v: any): any {
  return v === undefined ? undefined : p50(v);
}
function p83(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("at" in v)) return NO;
  {
    r = p75(v["at"]);
    if (r === NO) return NO;
    out["at"] = r;
  }
  if ("iso" in v) {
    r = p1(v["iso"]);
    if (r === NO) return NO;
    out["iso"] = r;
  }
  if (!("verdict" in v)) return NO;
  {
    r = p0(v["verdict"]);
    if (r === NO) return NO;
    out["verdict"] = r;
  }
  if ("detail" in v) {
    r = p1(v["detail"]);
    if (r === NO) return NO;
    out["detail"] = r;
  }
  if (!("streak" in v)) return NO;
  {
    r = p60(v["streak"]);
    if (r === NO) return NO;
    out["streak"] = r;
  }
  if ("wakeAt" in v) {
    r = p76(v["wakeAt"]);
    if (r === NO) return NO;
    out["wakeAt"] = r;
  }
  if ("watchingSince" in v) {
    r = p76(v["watchingSince"]);
    if (r === NO) return NO;
    out["watchingSince"] = r;
  }
  if ("pid" in v) {
    r = p82(v["pid"]);
    if (r === NO) return NO;
    out["pid"] = r;
  }
  for (const k in v) {
    if (KEYS18.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}
function p84(v: any): any {
  if (!isPlain(v)) return NO;
  const out: Record<string, unknown> = {};
  let r: unknown;
  if (!("at" in v)) return NO;
  {
    r = p75(v["at"]);
    if (r === NO) return NO;
    out["at"] = r;
  }
  if ("iso" in v) {
    r = p1(v["iso"]);
    if (r === NO) return NO;
    out["iso"] = r;
  }
  if ("firstAt" in v) {
    r = p76(v["firstAt"]);
    if (r === NO) return NO;
    out["firstAt"] = r;
  }
  if ("circuit" in v) {
    r = p1(v["circuit"]);
    if (r === NO) return NO;
    out["circuit"] = r;
  }
  for (const k in v) {
    if (KEYS19.has(k)) continue;
    if (k === "__proto__") return NO;
    out[k] = v[k];
  }
  return out;
}

export const parseConfigFast = (v: unknown): Config | typeof NO => p74(v) as Config | typeof NO;
export const parseHeartbeatFast = (v: unknown): Heartbeat | typeof NO => p77(v) as Heartbeat | typeof NO;
export const parseCircuitFast = (v: unknown): Circuit | typeof NO => p78(v) as Circuit | typeof NO;
export const parseOutboxItemFast = (v: unknown): OutboxItem | typeof NO => p79(v) as OutboxItem | typeof NO;
export const parseLockFast = (v: unknown): LockInfo | typeof NO => p80(v) as LockInfo | typeof NO;
export const parseProgressFast = (v: unknown): Progress | typeof NO => p81(v) as Progress | typeof NO;
export const parseWatchdogRecordFast = (v: unknown): WatchdogRecord | typeof NO => p83(v) as WatchdogRecord | typeof NO;
export const parseRemindRecordFast = (v: unknown): RemindRecord | typeof NO => p84(v) as RemindRecord | typeof NO;
