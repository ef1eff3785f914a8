import { afterEach, describe, expect, it } from "vitest";
import { BIN, collect, logLines, sandbox, start } from "./helpers/run.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";

let servers: FakeTelegram[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const ALLOWED = 1111;
const STRANGER = 2222;

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return cond();
}

describe("watchkeeper bot: pause from the phone, never resume", () => {
  it("/pause from an allowed chat trips within seconds and answers; others change nothing; /resume never resumes", async () => {
    const tg = await new FakeTelegram().listen();
    servers.push(tg);
    const sb = sandbox({ telegram: { chatId: String(ALLOWED), apiRoot: tg.apiRoot, maxRetries: 0 }, bot: { allowChatIds: [ALLOWED], pollTimeoutSec: 2 } });
    const child = start([BIN, "bot", "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "3:bot" } });
    const done = collect(child);
    try {
      expect(await waitFor(() => tg.polls > 0, 5000)).toBe(true);
      tg.say(STRANGER, "/pause let me in", "mallory");
      tg.say(ALLOWED, "/status", "ann");
      expect(await waitFor(() => tg.delivered.length >= 1, 3000)).toBe(true);
      expect(tg.delivered[0]!.params.chat_id).toBe(String(ALLOWED));
      expect(tg.delivered[0]!.params.text).toContain("watchkeeper");
      expect(sb.exists("data/circuit.json")).toBe(false); // the stranger changed nothing

      const t0 = Date.now();
      tg.say(ALLOWED, "/pause news at 14:30", "ann");
      // Typically ~100 ms here; the bound leaves room for a loaded CI machine.
      expect(await waitFor(() => sb.exists("data/circuit.json"), 3000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(sb.readJson("data/circuit.json")).toMatchObject({ paused: true, reason: "news at 14:30", by: "telegram:ann" });
      expect(await waitFor(() => tg.delivered.length >= 2, 2000)).toBe(true);
      expect(tg.delivered[1]!.params.text).toContain("Paused");

      tg.say(ALLOWED, "/resume", "ann");
      expect(await waitFor(() => tg.delivered.length >= 3, 2000)).toBe(true);
      expect(tg.delivered[2]!.params.text).toContain("never done from here");
      expect(sb.readJson("data/circuit.json").paused).toBe(true);
      expect(sb.decisions().filter((d) => d.kind === "trip")).toMatchObject([{ by: "telegram:ann", reason: "news at 14:30" }]);
      expect(tg.delivered.every((m) => m.params.chat_id === String(ALLOWED))).toBe(true);
    } finally {
      child.kill("SIGTERM");
    }
    const r = await done;
    expect(r.code).toBe(0);
    expect(logLines(r.stderr).some((l) => String(l.msg).includes("not in bot.allowChatIds") && l.from === "mallory")).toBe(true);
  });

  it("refuses to start without an allow-list, in one line", async () => {
    const sb = sandbox({ telegram: { chatId: "1" } });
    const r = await collect(start([BIN, "bot", "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "3:bot" } }));
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("bot.allowChatIds");
  });
});
