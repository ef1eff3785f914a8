import { describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ENTRY, ROOT, nextSlot, run, sandbox, wk } from "./helpers/run.js";
import { tool } from "./helpers/tools.js";

const chromium = tool("chromium", "chromium");

describe("audit report in a real browser", () => {
  it.skipIf(!chromium.ok)("renders the timeline and searchable tables offline, and prints", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } } });
    // One cycle a slot: a second cycle in the same slot would record its decisions as duplicates, not again.
    for (let i = 0; i < 3; i++) {
      await run([ENTRY.cycle, "--config", sb.config]);
      await nextSlot();
    }
    await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } });
    await run([ENTRY.watchdog, "--config", sb.config]);
    await new Promise((r) => setTimeout(r, 1100));
    sb.write("data/circuit.json", '{"paused": false}\n');
    for (let i = 0; i < 2; i++) {
      await run([ENTRY.cycle, "--config", sb.config]);
      await nextSlot();
    }
    const out = sb.file("report.html");
    const r = await wk(sb, ["audit", "report", "--out", out]);
    expect(r.code, r.stderr).toBe(0);

    const { chromium: pw } = await import("playwright-core");
    const browser = await pw.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (req) => requests.push(req.url()));
      await page.goto(pathToFileURL(out).href);
      // Nothing but the file itself: no script, font, style or image from anywhere.
      expect(requests).toEqual([pathToFileURL(out).href]);
      expect(await page.textContent("#verdict")).toBe("INTACT");
      expect(await page.locator("#timeline svg rect").count()).toBeGreaterThan(0);
      expect(await page.locator("#timeline rect.bad").count()).toBeGreaterThan(0);
      expect(await page.locator("#per-day svg rect").count()).toBeGreaterThan(0);
      expect(await page.locator("#t-trips tbody tr").count()).toBe(2); // the trip and the resume
      expect(await page.locator("#t-positions tbody tr").count()).toBe(2);
      const decisions = await page.locator("#t-decisions tbody tr").count();
      expect(decisions).toBeGreaterThan(4);
      await page.fill('input[data-filter="t-decisions"]', "DEMO-B");
      const visible = await page.locator("#t-decisions tbody tr:not([hidden])").count();
      expect(visible).toBeGreaterThan(0);
      expect(visible).toBeLessThan(decisions);
      await page.fill('input[data-filter="t-decisions"]', "");
      const dir = join(ROOT, "test-artifacts");
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, "audit-report.png"), fullPage: true });
      const pdf = await page.pdf({ format: "A4" });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      writeFileSync(join(dir, "audit-report.pdf"), pdf);
      expect(requests).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });
});
