import { afterEach, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { ENTRY, run, sandbox, wk } from "./helpers/run.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";

let servers: FakeTelegram[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const nowSec = () => Math.floor(Date.now() / 1000);

/** A notify script like the article's notify-telegram.sh: it records what it was given. */
function notifier(dir: string, failFlag: string): string {
  const script = `${dir}/notify.sh`;
  writeFileSync(
    script,
    `#!/bin/sh
[ -e "${failFlag}" ] && { echo "pager service down" >&2; exit 3; }
{ echo "--- $WATCHKEEPER_ALERT_KIND $WATCHKEEPER_ALERT_ID $WATCHKEEPER_ALERT_CREATED_AT $WATCHKEEPER_HOST token=\${TELEGRAM_BOT_TOKEN:-none}"; cat; } >> "${dir}/received.txt"
`,
    { mode: 0o755 },
  );
  return script;
}

describe("alerts.command: any program as a channel", () => {
  it("gets each alert once, the message on stdin and the fields in its environment, never the token", async () => {
    const sb = sandbox();
    const script = notifier(sb.dir, `${sb.dir}/fail`);
    writeFileSync(sb.config, JSON.stringify({ cycle: { schedule: "* * * * * *" }, alerts: { command: [script] } }));
    writeFileSync(`${sb.dir}/heartbeat-stale.json`, "");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/heartbeat.json"), JSON.stringify({ at: nowSec() - 86400, status: "ok" }));
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "77:never-pass-me" } });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("Telegram is not set up"); // the command is a channel: nothing to print instead
    await run([ENTRY.watchdog, "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "77:never-pass-me" } });
    const got = readFileSync(`${sb.dir}/received.txt`, "utf8");
    expect(got.match(/^--- /gm)).toHaveLength(1);
    expect(got).toMatch(/^--- trip \d{15}-[0-9a-f]{8} \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+ token=none$/m);
    expect(got).toContain("circuit tripped");
    expect(got).not.toContain("<b>"); // plain text on stdin
    expect(sb.decisions().find((d) => d.kind === "alert-sent")).toMatchObject({ channel: "command" });
    const status = await wk(sb, ["status", "--json"]);
    expect(JSON.parse(status.stdout).problems.join(" ")).not.toContain("Telegram is not set up");
  });

  it("a failing command keeps its alert in its own outbox while Telegram still delivers; later it is sent once", async () => {
    const tg = await new FakeTelegram().listen();
    servers.push(tg);
    const sb = sandbox();
    const flag = `${sb.dir}/fail`;
    writeFileSync(flag, "");
    const script = notifier(sb.dir, flag);
    writeFileSync(sb.config, JSON.stringify({ cycle: { schedule: "* * * * * *" }, telegram: { chatId: "1", apiRoot: tg.apiRoot, maxRetries: 0 }, alerts: { command: script } }));
    const { mkdirSync } = await import("node:fs");
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/heartbeat.json"), JSON.stringify({ at: nowSec() - 86400, status: "ok" }));
    const env = { TELEGRAM_BOT_TOKEN: "1:x" };
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env });
    expect(r.code).toBe(0);
    expect(tg.delivered).toHaveLength(1);
    expect(readdirSync(sb.file("data/outbox-command")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    expect(r.stderr).toContain("pager service down");
    expect(existsSync(`${sb.dir}/received.txt`)).toBe(false);
    // The pager is back: the next run sends it, once; Telegram gets nothing new.
    const { rmSync } = await import("node:fs");
    rmSync(flag);
    await run([ENTRY.remind, "--config", sb.config], { env });
    await run([ENTRY.watchdog, "--config", sb.config], { env });
    const got = readFileSync(`${sb.dir}/received.txt`, "utf8");
    expect(got.match(/^--- trip /gm)).toHaveLength(1);
    expect(readdirSync(sb.file("data/outbox-command")).filter((f) => f.endsWith(".json"))).toHaveLength(0);
  });
});
