import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY, logLines, run, sandbox, wk, type Sandbox } from "./helpers/run.js";
import { FakeTelegram, refusedApiRoot } from "./helpers/fake-telegram.js";

const TOKEN = "123456789:AAH-watchkeeper-test-SECRET-token";
const CHAT = "4242";
let servers: FakeTelegram[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function telegram(): Promise<FakeTelegram> {
  const s = await new FakeTelegram().listen();
  servers.push(s);
  return s;
}

function withTelegram(apiRoot: string, extra: Record<string, unknown> = {}): Sandbox {
  return sandbox({ telegram: { chatId: CHAT, apiRoot, timeoutSec: 1, maxRetries: 0 }, ...extra });
}

function writeHeartbeat(sb: Sandbox, hb: Record<string, unknown> | string): void {
  mkdirSync(sb.data, { recursive: true });
  writeFileSync(join(sb.data, "heartbeat.json"), typeof hb === "string" ? hb : JSON.stringify(hb));
}
const nowSec = () => Math.floor(Date.now() / 1000);
const env = { TELEGRAM_BOT_TOKEN: TOKEN };

describe("watchdog", () => {
  it("a stale heartbeat trips the circuit first, then sends one HTML alert", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 2000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code, r.stderr).toBe(0);
    const c = sb.readJson("data/circuit.json");
    expect(c).toMatchObject({ paused: true, by: "watchdog", since: expect.any(Number), reason: expect.stringContaining("stale") });
    expect(tg.delivered).toHaveLength(1);
    const m = tg.delivered[0]!;
    expect(m.method).toBe("sendMessage");
    expect(m.token).toBe(TOKEN);
    expect(m.params.chat_id).toBe(CHAT);
    expect(m.params.parse_mode).toBe("HTML");
    expect(m.params.text).toContain("circuit tripped");
    expect(m.params.text).toContain("stale");
    expect(m.params.text).toContain(sb.file("data/circuit.json"));
    expect(m.params.text).toContain("&quot;paused&quot;: false".replace(/&quot;/g, '"'));
    expect(m.params.text.length).toBeLessThanOrEqual(4096);
    // The trip was on disk before the message was sent.
    expect(statSync(sb.file("data/circuit.json")).mtimeMs).toBeLessThanOrEqual(Date.now());
    expect(sb.outbox()).toEqual([]);
    const tripLog = logLines(r.stderr).find((l) => String(l.msg).startsWith("CIRCUIT TRIPPED"));
    expect(tripLog?.level).toBe(50);
    expect(sb.decisions().filter((d) => d.kind === "trip")).toHaveLength(1);
  });

  it.each([
    ["missing", null, "missing"],
    ["empty", "", "unreadable"],
    ["truncated", '{"at": 1', "unreadable"],
    ["not ok", { at: nowSec(), iso: "x", status: "error", error: "boom" }, "not-ok"],
    ["from the future", { at: nowSec() + 3600, iso: "x", status: "ok" }, "clock-skew"],
  ])("a %s heartbeat trips", async (_n, hb, check) => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    sb.watchedForAnHour();
    if (hb !== null) writeHeartbeat(sb, hb as Record<string, unknown> | string);
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(sb.readJson("data/circuit.json")).toMatchObject({ paused: true, check });
    expect(tg.delivered).toHaveLength(1);
  });

  it("a healthy heartbeat: nothing written, nothing sent", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(sb.exists("data/circuit.json")).toBe(false);
    expect(tg.received).toHaveLength(0);
  });

  it("already paused: the first cause is kept byte for byte and no new alert is sent", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "error" });
    const mine = '{ "paused": true, "reason": "my own pause, do not touch", "by": "me" }\n';
    writeFileSync(sb.file("data/circuit.json"), mine);
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(sb.read("data/circuit.json")).toBe(mine);
    expect(tg.received).toHaveLength(0);
    // An invalid circuit file counts as paused and is left for a person too.
    writeFileSync(sb.file("data/circuit.json"), '{"paused": "false"}');
    const r2 = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r2.code).toBe(0);
    expect(sb.read("data/circuit.json")).toBe('{"paused": "false"}');
    expect(logLines(r2.stderr).some((l) => l.level === 50 && String(l.msg).includes("treating it as paused"))).toBe(true);
  });

  it("escapes HTML from the heartbeat in the alert", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec(), iso: "x", status: "error", error: "<script>alert(1)</script> & co" });
    await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(tg.delivered[0]!.params.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
    expect(tg.delivered[0]!.params.text).not.toContain("<script>");
  });
});

describe("alert outbox: an alert that cannot be sent is kept and retried, never lost", () => {
  it.each([
    ["refused connection", async () => ({ apiRoot: await refusedApiRoot(), fix: null as FakeTelegram | null })],
    ["HTTP 500", async () => {
      const tg = await telegram();
      tg.fallback = { kind: "status", status: 500 };
      return { apiRoot: tg.apiRoot, fix: tg };
    }],
    ["a hanging server", async () => {
      const tg = await telegram();
      tg.fallback = { kind: "hang" };
      return { apiRoot: tg.apiRoot, fix: tg };
    }],
    ["malformed JSON", async () => {
      const tg = await telegram();
      tg.fallback = { kind: "malformed" };
      return { apiRoot: tg.apiRoot, fix: tg };
    }],
    ["429 beyond the retries", async () => {
      const tg = await telegram();
      tg.fallback = { kind: "429", retryAfterSec: 1 };
      return { apiRoot: tg.apiRoot, fix: tg };
    }],
  ])("%s: the circuit trips anyway, the alert waits in the outbox and is delivered later, once", async (_n, setup) => {
    const { apiRoot } = await setup();
    const sb = withTelegram(apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
    expect(sb.readJson("data/circuit.json").paused).toBe(true);
    expect(sb.outbox()).toHaveLength(1);
    const item = sb.readJson(`data/outbox/${sb.outbox()[0]}`);
    expect(item).toMatchObject({ kind: "trip", attempts: 1, lastError: expect.any(String) });
    expect(logLines(r.stderr).some((l) => l.level === 50 && String(l.msg).includes("alert not delivered"))).toBe(true);

    // Telegram is back: the reminder run flushes the outbox oldest first, then adds its own message.
    const good = await telegram();
    const cfg = JSON.parse(sb.read("watchkeeper.config.json"));
    cfg.telegram.apiRoot = good.apiRoot;
    sb.write("watchkeeper.config.json", JSON.stringify(cfg));
    const rem = await run([ENTRY.remind, "--config", sb.config], { env });
    expect(rem.code, rem.stderr).toBe(0);
    expect(good.delivered.map((m) => (m.params.text.includes("circuit tripped") ? "trip" : "reminder"))).toEqual(["trip", "reminder"]);
    expect(sb.outbox()).toEqual([]);
    // And never again.
    await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(good.delivered).toHaveLength(2);
  });

  it("a 429 with retry_after is waited out within the same run", async () => {
    const tg = await telegram();
    tg.queue.push({ kind: "429", retryAfterSec: 1 });
    const sb = sandbox({ telegram: { chatId: CHAT, apiRoot: tg.apiRoot, timeoutSec: 2, maxRetries: 2 } });
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(tg.received).toHaveLength(2);
    expect(tg.delivered).toHaveLength(1);
    expect(r.ms).toBeGreaterThanOrEqual(1000);
    expect(sb.outbox()).toEqual([]);
  });

  it("alerts queued during an outage are delivered in order, each exactly once", async () => {
    const down = await refusedApiRoot();
    const sb = withTelegram(down);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    await run([ENTRY.watchdog, "--config", sb.config], { env });
    for (let i = 0; i < 3; i++) await run([ENTRY.remind, "--config", sb.config], { env });
    expect(sb.outbox()).toHaveLength(4);
    const tg = await telegram();
    const cfg = JSON.parse(sb.read("watchkeeper.config.json"));
    cfg.telegram.apiRoot = tg.apiRoot;
    sb.write("watchkeeper.config.json", JSON.stringify(cfg));
    // Two flushers at once must not send anything twice.
    await Promise.all([run([ENTRY.watchdog, "--config", sb.config], { env }), run([ENTRY.watchdog, "--config", sb.config], { env })]);
    await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(tg.delivered.map((m) => (m.params.text.includes("circuit tripped") ? "trip" : "reminder"))).toEqual(["trip", "reminder", "reminder", "reminder"]);
    expect(sb.outbox()).toEqual([]);
  });

  it("a bad token (401) is one clear line; the alert is kept", async () => {
    const tg = await telegram();
    tg.fallback = { kind: "status", status: 401, description: "Unauthorized" };
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    const line = logLines(r.stderr).find((l) => String(l.msg).includes("alert not delivered"));
    expect(String(line?.msg)).toContain("rejected the bot token");
    expect(String(line?.msg)).toContain("TELEGRAM_BOT_TOKEN");
    expect(sb.outbox()).toHaveLength(1);
  });

  it("chat id set but no token: the alert is kept and the log says the token is missing", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(sb.readJson("data/circuit.json").paused).toBe(true);
    expect(sb.outbox()).toHaveLength(1);
    expect(r.stderr).toContain("TELEGRAM_BOT_TOKEN is not set");
    expect(tg.received).toHaveLength(0);
  });

  it("no Telegram configured: the alert is logged at ERROR and printed, saying so", async () => {
    const sb = sandbox();
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const r = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Telegram is not set up");
    expect(r.stdout).toContain("circuit tripped");
    expect(logLines(r.stderr).some((l) => l.level === 50 && String(l.msg).includes("Telegram is not set up"))).toBe(true);
    expect(sb.outbox()).toEqual([]);
  });
});

describe("the bot token never leaks", () => {
  it("appears in no file, log line or error message, even when Telegram echoes the URL", async () => {
    const tg = await telegram();
    tg.fallback = { kind: "echo-url-error" };
    const sb = withTelegram(tg.apiRoot);
    writeHeartbeat(sb, { at: nowSec() - 5000, iso: "x", status: "ok" });
    const outputs: string[] = [];
    for (const cmd of [["watchdog"], ["remind"], ["status"], ["status", "--json"], ["alert", "--test"], ["cycle"]]) {
      const r = await wk(sb, cmd, env);
      outputs.push(r.stdout, r.stderr);
    }
    const refused = withTelegram(await refusedApiRoot());
    writeHeartbeat(refused, { at: nowSec() - 5000, iso: "x", status: "ok" });
    for (const cmd of [["watchdog"], ["alert", "--test"]]) {
      const r = await wk(refused, cmd, env);
      outputs.push(r.stdout, r.stderr);
    }
    expect(tg.received.length).toBeGreaterThan(0);
    expect(tg.received.every((m) => m.token === TOKEN)).toBe(true); // the token was really in use
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const secretPart = TOKEN.split(":")[1]!;
    for (const f of [...files(sb.dir), ...files(refused.dir)]) expect(readFileSync(f, "utf8"), f).not.toContain(secretPart);
    for (const o of outputs) expect(o).not.toContain(secretPart);
    expect(outputs.join("")).toContain("[redacted]");
  });
});

describe("resume reminder", () => {
  it("while paused: one message with reason, since and the resume edit; when green: nothing", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/watchdog.json"), JSON.stringify({ at: nowSec(), verdict: "healthy", streak: 0 }));
    const green = await run([ENTRY.remind, "--config", sb.config], { env });
    expect(green.code).toBe(0);
    expect(tg.received).toHaveLength(0);
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/circuit.json"), JSON.stringify({ paused: true, reason: "feed looked wrong", by: "manual:ann", since: nowSec() - 7200 }));
    const r = await run([ENTRY.remind, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(tg.delivered).toHaveLength(1);
    const text = tg.delivered[0]!.params.text;
    expect(text).toContain("still paused");
    expect(text).toContain("feed looked wrong");
    expect(text).toMatch(/2h 0m ago|1h 59m ago/);
    expect(text).toContain("sed -i.bak");
  });

  it("an unreadable circuit is reported as paused, with why", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/circuit.json"), "{ oops");
    await run([ENTRY.remind, "--config", sb.config], { env });
    expect(tg.delivered[0]!.params.text).toContain("not valid JSON");
  });
});

describe("who watches the watchdog", () => {
  it("the reminder alerts when the watchdog never ran or stopped, even with a green circuit", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    // A new install: the watchdog has not had time to run yet; nothing to say.
    const fresh = await run([ENTRY.remind, "--config", sb.config], { env });
    expect(tg.delivered, fresh.stderr).toHaveLength(0);
    expect(fresh.stderr).toContain("the watchdog has not run yet");
    // An hour later it still has never run: its timer is missing.
    const first = sb.readJson<{ firstAt: number }>("data/remind.json").firstAt;
    writeFileSync(sb.file("data/remind.json"), JSON.stringify({ at: nowSec() - 60, firstAt: first - 3600 }));
    await run([ENTRY.remind, "--config", sb.config], { env });
    expect(tg.delivered).toHaveLength(1);
    expect(tg.delivered[0]!.params.text).toContain("the watchdog is not running");
    expect(sb.readJson<{ firstAt: number }>("data/remind.json").firstAt).toBe(first - 3600);
    writeFileSync(sb.file("data/watchdog.json"), JSON.stringify({ at: nowSec() - 3 * 3600, verdict: "healthy", streak: 0 }));
    await run([ENTRY.remind, "--config", sb.config], { env });
    expect(tg.delivered[1]!.params.text).toContain("has not run since");
  });

  it("every watchdog run records itself in data/watchdog.json", async () => {
    const sb = sandbox();
    await run([ENTRY.watchdog, "--config", sb.config]);
    // The first run on a new install starts the clock instead of tripping on a heartbeat that cannot exist yet.
    const first = sb.readJson<{ at: number; watchingSince: number }>("data/watchdog.json");
    expect(first).toMatchObject({ verdict: "healthy", streak: 0, at: expect.any(Number) });
    expect(first.watchingSince).toBe(first.at);
    expect(sb.exists("data/circuit.json")).toBe(false);
    sb.watchedForAnHour();
    await run([ENTRY.watchdog, "--config", sb.config]);
    expect(sb.readJson("data/watchdog.json")).toMatchObject({ verdict: "missing", streak: 1, at: expect.any(Number) });
  });
});

describe("alert --test", () => {
  it("says whether the test message arrived, with the right exit code", async () => {
    const tg = await telegram();
    const sb = withTelegram(tg.apiRoot);
    const ok = await wk(sb, ["alert", "--test"], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("delivered");
    expect(tg.delivered[0]!.params.text).toContain("test alert");
    const down = withTelegram(await refusedApiRoot());
    const bad = await wk(down, ["alert", "--test"], env);
    expect(bad.code).toBe(75);
    expect(bad.stderr).toContain("NOT delivered");
    const none = await wk(sandbox(), ["alert", "--test"], env);
    expect(none.code).toBe(78);
    expect(none.stderr).toContain("Telegram is not set up");
  });
});
