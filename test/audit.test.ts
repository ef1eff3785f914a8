import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { ENTRY, run, sandbox, wk, type Sandbox } from "./helpers/run.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const nowSec = () => Math.floor(Date.now() / 1000);

/** A real log: cycles, a crash with a torn line, a trip by the watchdog, a resume by hand, more cycles. */
async function realLog(): Promise<Sandbox> {
  const sb = sandbox({ strategy: { options: { barSec: 1 } } });
  for (let i = 0; i < 3; i++) await run([ENTRY.cycle, "--config", sb.config]);
  await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "crash" } });
  await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } });
  await run([ENTRY.watchdog, "--config", sb.config]);
  await new Promise((r) => setTimeout(r, 1100));
  sb.write("data/circuit.json", '{"paused": false}\n');
  await run([ENTRY.cycle, "--config", sb.config]);
  await run([ENTRY.cycle, "--config", sb.config]);
  return sb;
}

const LOG = "memory/decisions.jsonl";
const linesOf = (sb: Sandbox) => sb.read(LOG).split("\n").slice(0, -1);
const write = (sb: Sandbox, lines: string[]) => writeFileSync(sb.file(LOG), lines.join("\n") + "\n");

describe("audit verify", () => {
  let base: Sandbox;
  let original: string[];
  beforeAll(async () => {
    base = await realLog();
    original = linesOf(base);
  });
  const copy = (): Sandbox => {
    const sb = sandbox();
    writeFileSync(sb.file("watchkeeper.config.json"), readFileSync(base.config));
    const { mkdirSync } = require("node:fs") as typeof import("node:fs");
    mkdirSync(sb.memory, { recursive: true });
    write(sb, original);
    return sb;
  };

  it("an untouched log is intact; the summary counts trips, resumes and the sealed torn line", async () => {
    expect(original.length).toBeGreaterThan(15);
    const r = await wk(base, ["audit", "verify", "--json"]);
    expect(r.code, r.stdout).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ ok: true, trips: 1, resumes: 1, tornSealed: 1, issues: [] });
    expect(s.kinds).toMatchObject({ decision: expect.any(Number), cycle: expect.any(Number), "torn-line-sealed": 1, trip: 1, resume: 1 });
    expect(s.notes.join(" ")).toContain("torn line");
    const resume = base.decisions().find((d) => d.kind === "resume")!;
    expect(resume).toMatchObject({ by: expect.any(String), fileModified: expect.any(String) });
    const text = await wk(base, ["audit", "verify"]);
    expect(text.stdout).toMatch(/INTACT/);
  });

  /** Index k such that lines k-1..k+2 are whole records and none is a seal: mutations there are unambiguous. */
  const safe = (from: number): number => {
    const ok = (i: number) => {
      try {
        const r = JSON.parse(original[i]!);
        return r.kind !== "torn-line-sealed";
      } catch {
        return false;
      }
    };
    for (let k = from; k < original.length - 2; k++) if (ok(k - 1) && ok(k) && ok(k + 1) && ok(k + 2)) return k;
    throw new Error("no safe index");
  };
  const cases: [string, (l: string[], k: number) => string[], (k: number) => number, string][] = [
    ["an edited record", (l, k) => l.map((x, i) => (i === k ? x.replace(/"iso":"[^"]*"/, '"iso":"2020-01-01T00:00:00Z"') : x)), (k) => k + 1, "edited"],
    ["a deleted record", (l, k) => l.filter((_, i) => i !== k), (k) => k + 1, "deleted"],
    ["a copied record inserted", (l, k) => [...l.slice(0, k), l[1]!, ...l.slice(k)], (k) => k + 1, "inserted"],
    ["a swapped pair", (l, k) => [...l.slice(0, k), l[k + 1]!, l[k]!, ...l.slice(k + 2)], (k) => k + 1, "reordered"],
    ["a garbage line", (l, k) => [...l.slice(0, k), "{oops", ...l.slice(k)], (k) => k + 1, "invalid"],
  ];
  it.each(cases)("detects %s with the right line number", async (_n, mutate, line, problem) => {
    const sb = copy();
    const k = safe(4);
    write(sb, mutate(original, k));
    const r = await wk(sb, ["audit", "verify", "--json"]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.ok).toBe(false);
    expect(s.issues[0]).toMatchObject({ line: line(k), problem });
  });

  it("detects a forged record inserted with a correct seq and prev, at its own line", async () => {
    const sb = copy();
    const l = [...original];
    const k = safe(4);
    const prevRec = JSON.parse(l[k - 1]!);
    const forged = JSON.stringify({ seq: prevRec.seq + 1, at: prevRec.at, iso: prevRec.iso, kind: "decision", cycle: "forged", action: "buy", prev: sha(l[k - 1]!) });
    write(sb, [...l.slice(0, k), forged, ...l.slice(k)]);
    const s = JSON.parse((await wk(sb, ["audit", "verify", "--json"])).stdout);
    expect(s.issues[0]).toMatchObject({ line: k + 1, problem: "inserted" });
  });

  it("a chain rebuilt after an edit passes alone, and is caught by --expect-head", async () => {
    const sb = copy();
    const head = JSON.parse((await wk(sb, ["audit", "verify", "--json"])).stdout).head;
    const sent = `${head.seq}:${head.hash.slice(0, 16)}`;
    expect((await wk(sb, ["audit", "verify", "--expect-head", sent])).code).toBe(0);
    // The attacker edits a record and rewrites every later prev (and the seal's links).
    let prev = "0".repeat(64);
    let lastRecord = prev;
    let tornHash = "";
    const rebuilt = original.map((line, i) => {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line);
      } catch {
        tornHash = sha(line);
        return line;
      }
      if (i === 3) rec.price = 0.01;
      if (rec.kind === "torn-line-sealed") {
        rec.prevRecord = lastRecord;
        rec.prev = tornHash;
      } else rec.prev = prev;
      const out = JSON.stringify(rec);
      prev = sha(out);
      lastRecord = prev;
      return out;
    });
    write(sb, rebuilt);
    const alone = await wk(sb, ["audit", "verify", "--json"]);
    expect(alone.code, alone.stdout).toBe(0);
    const caught = await wk(sb, ["audit", "verify", "--expect-head", sent, "--json"]);
    expect(caught.code).toBe(1);
    expect(JSON.parse(caught.stdout).issues.map((i: { problem: string }) => i.problem)).toContain("head-mismatch");
  });

  it("a torn last line (a crash) is a note, not tampering; a bad --expect-head is one clear line", async () => {
    const sb = copy();
    writeFileSync(sb.file(LOG), sb.read(LOG) + '{"seq":99,"at":1,"ki');
    const r = await wk(sb, ["audit", "verify", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).tornAtEnd).toBe(true);
    const bad = await wk(sb, ["audit", "verify", "--expect-head", "nope"]);
    expect(bad.code).toBe(64);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("alerts and reminders carry the head, and verify --expect-head accepts it", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } } });
    await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } });
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    const head = /Audit head: (\d+:[0-9a-f]{16})/.exec(wd.stdout)?.[1];
    expect(head).toBeTruthy();
    await run([ENTRY.cycle, "--config", sb.config]);
    const rem = await run([ENTRY.remind, "--config", sb.config]);
    const head2 = /Audit head: (\d+:[0-9a-f]{16})/.exec(rem.stdout)?.[1];
    expect(head2).toBeTruthy();
    expect((await wk(sb, ["audit", "verify", "--expect-head", head!])).code).toBe(0);
    expect((await wk(sb, ["audit", "verify", "--expect-head", head2!])).code).toBe(0);
    void nowSec;
  });
});

describe("audit verify reads in fixed-size blocks", () => {
  it("lines across block boundaries and a line longer than a block verify; a byte changed inside the long line is caught", async () => {
    const { verifyFile } = await import("../scripts/audit/verify.js");
    const sb = sandbox();
    const lines: string[] = [];
    let prev = "0".repeat(64);
    for (let seq = 1; seq <= 5000; seq++) {
      // Record 2500 is 1.5 MB: bigger than the 1 MB read block.
      const pad = seq === 2500 ? "x".repeat(1_500_000) : "y".repeat(seq % 300);
      const line = JSON.stringify({ seq, prev, at: 1795476000 + seq, iso: "2026-11-23T00:00:00Z", kind: "decision", cycle: `c${seq}`, pad });
      lines.push(line);
      prev = sha(line);
    }
    const file = sb.file("log.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    const ok = await verifyFile(file, null);
    expect(ok).toMatchObject({ ok: true, records: 5000, lines: 5000 });
    expect(ok.head?.hash).toBe(prev);
    const bytes = readFileSync(file);
    const at = bytes.indexOf("xxxx") + 1_000_000; // inside the long line, past the first block
    bytes[at] = "z".charCodeAt(0);
    writeFileSync(file, bytes);
    const bad = await verifyFile(file, null);
    expect(bad.ok).toBe(false);
    expect(bad.issues[0]).toMatchObject({ line: 2500 });
  });
});
