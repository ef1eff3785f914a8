import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ConfigSchema, configJsonSchema } from "../watchdog/core/config-schema.js";
import { parseConfig } from "../watchdog/core/config.js";
import { sandbox, wk, ROOT } from "./helpers/run.js";
import { join } from "node:path";

describe("config schema", () => {
  it("fills every default from an empty object", () => {
    const c = parseConfig({}, "x.json");
    expect(c.timezone).toBe("UTC");
    expect(c.paths).toEqual({ data: "data", memory: "memory" });
    expect(c.strategy).toEqual({ module: "demo", options: {} });
    expect(c.cycle.schedule).toBe("*/5 * * * *");
    expect(c.cycle.timeoutSec).toBe(240);
    expect(c.watchdog).toEqual({ schedule: "*/15 * * * *", graceSec: 60, tripAfter: 1, killStalled: true, killGraceSec: 10 });
    expect(c.cycle.stallSec).toBe(120);
    expect(c.reminder.schedule).toBe("0 9 * * *");
    expect(c.telegram.apiRoot).toBe("https://api.telegram.org");
    expect(c.telegram.chatId).toBeUndefined();
  });

  it("accepts the issue's example and a numeric chat id", () => {
    const c = parseConfig(
      {
        timezone: "UTC",
        paths: { data: "data", memory: "memory" },
        strategy: { module: "demo", options: {} },
        cycle: { schedule: "*/5 * * * *", timeoutSec: 240 },
        watchdog: { schedule: "*/15 * * * *", maxAgeSec: 900 },
        reminder: { schedule: "0 9 * * *" },
        telegram: { chatId: -100123, apiRoot: "https://api.telegram.org" },
      },
      "x.json",
    );
    expect(c.telegram.chatId).toBe("-100123");
  });

  it.each([
    [{ cycle: { timeoutSec: -1 } }, "x.json: cycle.timeoutSec: expected a positive number"],
    [{ cycle: { timeoutSec: "240" } }, "x.json: cycle.timeoutSec: expected a positive number"],
    [{ watchdog: { maxAgeSec: 0 } }, "x.json: watchdog.maxAgeSec: expected a positive number"],
    [{ cycle: { schedule: "every 5 minutes" } }, "x.json: cycle.schedule: not a valid cron expression"],
    [{ timezone: "Mars/Olympus" }, "x.json: timezone: unknown time zone"],
    [{ cycle: { timoutSec: 5 } }, "x.json: cycle.timoutSec: unknown field"],
    [{ telegram: { token: "123:abc" } }, "x.json: telegram.token: unknown field"],
    [{ telegram: { apiRoot: "not a url" } }, "x.json: telegram.apiRoot: expected an http(s) URL"],
  ])("names the file and field for %j", (raw, msg) => {
    expect(() => parseConfig(raw, "x.json")).toThrow(msg);
  });

  it("describes every field", () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node !== "object" || node === null) return;
      const n = node as { description?: string; properties?: Record<string, unknown> };
      if (path && !n.description) missing.push(path);
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, path ? `${path}.${k}` : k);
    };
    walk(configJsonSchema(), "");
    expect(missing).toEqual([]);
  });

  it("the committed watchkeeper.schema.json matches the zod schema", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "watchkeeper.schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it("the demo config used by npm start is valid", () => {
    const raw = JSON.parse(readFileSync(join(ROOT, "scripts/demo.config.json"), "utf8"));
    expect(ConfigSchema.safeParse(raw).success).toBe(true);
  });
});

describe("config errors at the command line", () => {
  it("exits 78 with one line naming the file and field, no stack", async () => {
    const sb = sandbox({ cycle: { timeoutSec: -5 } });
    for (const cmd of [["cycle"], ["watchdog"], ["remind"], ["status"]]) {
      const r = await wk(sb, cmd);
      expect(r.code, cmd[0]).toBe(78);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${sb.config}: cycle.timeoutSec: expected a positive number`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("exits 78 on invalid JSON and on a named config file that does not exist", async () => {
    const sb = sandbox();
    sb.write("watchkeeper.config.json", "{ nope");
    const r = await wk(sb, ["watchdog"]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("not valid JSON");
    const missing = await wk({ ...sb, config: sb.file("nope.json") }, ["watchdog"]);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain("config file not found");
  });

  it("takes the config from WATCHKEEPER_CONFIG and resolves paths from its folder", async () => {
    const sb = sandbox({ paths: { data: "state", memory: "history" } });
    const { run, BIN } = await import("./helpers/run.js");
    const r = await run([BIN, "cycle"], { env: { WATCHKEEPER_CONFIG: sb.config } });
    expect(r.code).toBe(0);
    expect(sb.exists("state/heartbeat.json")).toBe(true);
    expect(sb.exists("history/decisions.jsonl")).toBe(true);
  });

  it("exits 64 on an unknown command and explains there is no resume command", async () => {
    const sb = sandbox();
    const r = await wk(sb, ["resume"]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("resuming is a manual edit");
  });
});

describe("generated docs", () => {
  it("the README config table and the JSON Schema are in sync with the zod schema", async () => {
    const { run } = await import("./helpers/run.js");
    const r = await run([join(ROOT, "dist/scripts/gen-schema.js"), "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});
