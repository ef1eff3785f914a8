import { describe, expect, it } from "vitest";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fdSink } from "../watchdog/core/log.js";

describe("log sink (pino's destination)", () => {
  it("writes every byte of a long line, synchronously", () => {
    const file = join(mkdtempSync(join(tmpdir(), "wk-log-")), "log");
    const fd = openSync(file, "w");
    const line = `${"é".repeat(300_000)}\n`;
    expect(fdSink(fd).write(line)).toBe(true);
    closeSync(fd);
    expect(readFileSync(file, "utf8")).toBe(line);
  });

  it("a closed stderr (EPIPE) loses the line, not the run", async () => {
    const code = `
      const { fdSink } = await import(${JSON.stringify(new URL("../dist/watchdog/core/log.js", import.meta.url).href)});
      setTimeout(() => process.stdout.write(String(fdSink(2).write("x\\n".repeat(100000)))), 300);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    child.stderr.destroy(); // the reader is gone before the child writes: its write fails with EPIPE
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const exit = await new Promise<number | null>((res) => child.on("close", res));
    expect(exit).toBe(0);
    expect(out).toBe("false");
  });
});
