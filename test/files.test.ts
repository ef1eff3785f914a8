import { describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hostname } from "node:os";
import { atomicWriteFile } from "../watchdog/core/fsx.js";
import { appendRecords } from "../watchdog/core/journal.js";
import { acquireLock, inspectLock } from "../watchdog/core/lock.js";
import { WkError } from "../watchdog/core/errors.js";
import { run, sandbox, ROOT } from "./helpers/run.js";

const now = () => Date.now();

describe("atomic replace", () => {
  it("replaces the file whole and leaves no temp file", () => {
    const sb = sandbox();
    const p = join(sb.data, "x.json");
    atomicWriteFile(p, "one");
    atomicWriteFile(p, "two");
    expect(readFileSync(p, "utf8")).toBe("two");
    expect(readdirSync(sb.data)).toEqual(["x.json"]);
  });

  it("a failed write raises IO and leaves the old content", () => {
    const sb = sandbox();
    const p = join(sb.data, "x.json");
    atomicWriteFile(p, "old");
    mkdirSync(join(sb.data, "dir.json"));
    expect(() => atomicWriteFile(join(sb.data, "dir.json"), "new")).toThrow(WkError);
    expect(readFileSync(p, "utf8")).toBe("old");
    expect(readdirSync(sb.data).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("decision log", () => {
  it("seals a torn tail before appending", async () => {
    const sb = sandbox();
    mkdirSync(sb.memory, { recursive: true });
    const p = join(sb.memory, "decisions.jsonl");
    writeFileSync(p, '{"at":1,"iso":"x","kind":"decision","cycle":"a"}\n{"at":2,"ki');
    const r = await appendRecords(p, p + ".lock", [{ at: 3, iso: "y", kind: "decision", cycle: "b" }], { now, cycle: "b" });
    expect(r.sealedTornBytes).toBe(11);
    const lines = readFileSync(p, "utf8").split("\n");
    expect(lines[1]).toBe('{"at":2,"ki');
    expect(JSON.parse(lines[2]!)).toMatchObject({ kind: "torn-line-sealed", tornBytes: 11, cycle: "b" });
    expect(JSON.parse(lines[3]!)).toMatchObject({ at: 3, cycle: "b" });
  });

  it("writers in several processes at once never interleave or lose a record", async () => {
    const sb = sandbox();
    const script = join(sb.dir, "writer.mjs");
    writeFileSync(
      script,
      `import { appendRecords } from ${JSON.stringify(join(ROOT, "dist/watchdog/core/journal.js"))};
const [p, id] = process.argv.slice(2);
for (let i = 0; i < 100; i++) await appendRecords(p, p + ".lock", [{ at: i, iso: "x", kind: "decision", cycle: id, pad: "x".repeat(3000 + i) }], { now: Date.now, cycle: id });
`,
    );
    const p = join(sb.memory, "decisions.jsonl");
    mkdirSync(sb.memory, { recursive: true });
    const rs = await Promise.all(["w1", "w2", "w3", "w4"].map((id) => run([script, p, id])));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(p, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(400);
    const recs = lines.map((l) => JSON.parse(l) as { cycle: string; at: number });
    for (const id of ["w1", "w2", "w3", "w4"]) expect(recs.filter((r) => r.cycle === id).map((r) => r.at)).toEqual([...Array(100).keys()]);
  });
});

describe("locks", () => {
  it("a live holder blocks; a dead holder on this host is taken over; garbage is stale only when old", async () => {
    const sb = sandbox();
    mkdirSync(sb.data, { recursive: true });
    const p = join(sb.data, "t.lock");
    const a = await acquireLock(p, { purpose: "t", now });
    await expect(acquireLock(p, { purpose: "t", now })).rejects.toMatchObject({ code: "LOCKED" });
    a.release();
    writeFileSync(p, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), startedAt: 1 }));
    expect(inspectLock(p, now()).kind).toBe("stale");
    const b = await acquireLock(p, { purpose: "t", now });
    expect(b.recovered?.why).toContain("not running");
    b.release();
    writeFileSync(p, "garbage");
    expect(inspectLock(p, now()).kind).toBe("live");
    expect(inspectLock(p, now() + 11_000).kind).toBe("stale");
    writeFileSync(p, JSON.stringify({ pid: 1, host: "another-machine", startedAt: 1 }));
    expect(inspectLock(p, now()).kind).toBe("live");
  });

  it("release never removes someone else's lock", async () => {
    const sb = sandbox();
    mkdirSync(sb.data, { recursive: true });
    const p = join(sb.data, "t.lock");
    const a = await acquireLock(p, { purpose: "t", now });
    writeFileSync(p, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 42 }));
    a.release();
    expect(readFileSync(p, "utf8")).toContain('"startedAt":42');
  });
});

describe("architecture", () => {
  it("nothing under watchdog/ imports pipeline/ (a broken strategy cannot break the watchdog)", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    const offenders = files(join(ROOT, "watchdog")).filter((f) => /from\s+["'][^"']*pipeline\//.test(readFileSync(f, "utf8")) || /import\(["'][^"']*pipeline\//.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });

  it("the watchdog and reminder bundles hold no pipeline code; the cycle bundle does", () => {
    // Rolldown marks each inlined module with a "// path" line.
    const modules = (name: string) => readFileSync(join(ROOT, `dist/bin/${name}.bundle.cjs`), "utf8").match(/^\/\/ (dist\/\S+)$/gm) ?? [];
    for (const name of ["watchdog", "remind"]) {
      expect(modules(name).length).toBeGreaterThan(10);
      expect(modules(name).filter((m) => m.includes("dist/pipeline/"))).toEqual([]);
    }
    expect(modules("cycle").some((m) => m.includes("dist/pipeline/cycle.js"))).toBe(true);
    // The demo rides inside the cycle's bundle (no ES module loader for it); other strategies are imported by path.
    expect(modules("cycle").some((m) => m.includes("dist/pipeline/strategies/demo.js"))).toBe(true);
  });

  it("no entrypoint bundle holds zod; a file that needs zod's verdict still gets its exact message", async () => {
    const modules = (file: string) => readFileSync(join(ROOT, "dist/bin", file), "utf8").match(/^\/\/ (?:dist|node_modules)\/\S+$/gm) ?? [];
    for (const name of ["cycle", "watchdog", "remind", "watchkeeper"]) expect(modules(`${name}.bundle.cjs`).filter((m) => m.includes("node_modules/zod/"))).toEqual([]);
    expect(modules("zod-schemas.cjs").some((m) => m.includes("node_modules/zod/"))).toBe(true);
    // Through the bundle: a bad config and a bad circuit file are judged by zod, loaded on demand.
    const { ENTRY } = await import("./helpers/run.js");
    const bad = sandbox({ cycle: { timeoutSec: "soon" } });
    const r = await run([ENTRY.watchdog, "--config", bad.config]);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain("cycle.timeoutSec: expected a positive number");
    const sb = sandbox();
    sb.watchedForAnHour();
    writeFileSync(join(sb.dir, "data/circuit.json"), JSON.stringify({ paused: "no" }));
    const s = await run([ENTRY.cycle, "--config", sb.config]);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain("paused: Invalid input: expected boolean, received string");
  });

  it("a watchdog whose zod bundle is gone still trips on a heartbeat it cannot judge (fail closed)", async () => {
    // A copy of the watchdog's launcher and bundle, without dist/bin/zod-schemas.cjs beside them.
    const install = mkdtempSync(join(tmpdir(), "wk-nozod-"));
    mkdirSync(join(install, "dist/bin"), { recursive: true });
    writeFileSync(join(install, "package.json"), "{}");
    for (const f of ["watchdog.cjs", "watchdog.bundle.cjs", "watchdog.bundle.cjs.cache"]) copyFileSync(join(ROOT, "dist/bin", f), join(install, "dist/bin", f));
    const sb = sandbox();
    sb.watchedForAnHour();
    writeFileSync(join(sb.dir, "data/heartbeat.json"), JSON.stringify({ at: "yesterday", status: "ok" }));
    const r = await run([join(install, "dist/bin/watchdog.cjs"), "--config", sb.config]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain("unexpected error");
    const circuit = sb.readJson("data/circuit.json");
    expect(circuit.paused).toBe(true);
    expect(String(circuit.reason)).toContain("schema checker cannot load");
  });

  it("a bundle's top level loads only the cheap builtins every run uses (the rest load where they are used)", () => {
    // Rolldown hoists the builtin imports of every inlined module, even a lazily loaded one,
    // to the top: one static import of worker_threads or crypto costs every start a few ms.
    for (const name of ["cycle", "watchdog", "remind", "watchkeeper"]) {
      const top = readFileSync(join(ROOT, `dist/bin/${name}.bundle.cjs`), "utf8").match(/^let \w+ = require\("([^"]+)"\);$/gm) ?? [];
      const builtins = top.map((l) => /require\("([^"]+)"\)/.exec(l)![1]);
      expect(builtins.length, name).toBeGreaterThan(0);
      expect(builtins.filter((b) => !["node:fs", "node:os", "node:url", "node:path", "node:module"].includes(b)), name).toEqual([]);
    }
  });

  it("the watchdog runs even when the strategy module is broken", async () => {
    const sb = sandbox({ strategy: { module: "./does-not-exist.mjs" } });
    sb.watchedForAnHour();
    const { ENTRY } = await import("./helpers/run.js");
    const r = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(r.code).toBe(0);
    expect(sb.readJson("data/circuit.json").paused).toBe(true);
  });
});
