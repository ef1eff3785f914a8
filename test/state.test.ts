import { describe, expect, it } from "vitest";
import { mkdirSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { interpretCircuit, interpretHeartbeat, readCircuit, readHeartbeat } from "../watchdog/core/state.js";
import { sandbox } from "./helpers/run.js";

const text = (t: string) => ({ kind: "text" as const, text: t, mtimeMs: 1 });

describe("circuit.json fails closed", () => {
  it("a missing file is green", () => {
    expect(interpretCircuit({ kind: "missing" }).state).toBe("green");
  });

  it("a valid object with paused: false is green", () => {
    expect(interpretCircuit(text('{"paused": false}')).state).toBe("green");
    expect(interpretCircuit(text('{"paused": false, "reason": "resumed after checking feed", "since": 1}')).state).toBe("green");
  });

  it.each([
    ["paused true", '{"paused": true, "reason": "x"}'],
    ["empty file", ""],
    ["whitespace", "  \n"],
    ["truncated", '{"paused": fal'],
    ["string false", '{"paused": "false"}'],
    ["zero", '{"paused": 0}'],
    ["null paused", '{"paused": null}'],
    ["no paused field", '{"reason": "x"}'],
    ["null", "null"],
    ["array", "[]"],
    ["array with object", '[{"paused": false}]'],
    ["number", "0"],
    ["string", '"false"'],
    ["wrong reason type", '{"paused": false, "reason": 5}'],
    ["wrong since type", '{"paused": false, "since": "yesterday"}'],
    ["garbage", "\u0000\u0001binary"],
  ])("%s means paused", (_name, content) => {
    const c = interpretCircuit(text(content));
    expect(c.state).toBe("paused");
  });

  it("an unreadable file, a folder and a broken link mean paused", () => {
    const sb = sandbox();
    mkdirSync(sb.data, { recursive: true });
    const p = join(sb.data, "circuit.json");
    mkdirSync(p);
    expect(readCircuit(p).state).toBe("paused");
    const link = join(sb.data, "link.json");
    symlinkSync(join(sb.data, "nowhere.json"), link);
    // A dangling link is not "no file": it must not read as green.
    expect(readCircuit(link).state).toBe("paused");
    if (process.getuid?.() !== 0) {
      const locked = join(sb.data, "locked.json");
      writeFileSync(locked, '{"paused": false}');
      chmodSync(locked, 0o000);
      expect(readCircuit(locked).state).toBe("paused");
    }
  });

  it("a BOM and CRLF line ends are tolerated in a valid resume", () => {
    expect(interpretCircuit(text('\uFEFF{\r\n  "paused": false\r\n}\r\n')).state).toBe("green");
  });
});

describe("heartbeat.json fails closed", () => {
  it("a valid heartbeat is present", () => {
    const h = interpretHeartbeat(text('{"at": 100, "iso": "x", "status": "ok"}'));
    expect(h.kind).toBe("present");
  });

  it.each([
    ["empty", ""],
    ["truncated", '{"at": 100, "sta'],
    ["at as string", '{"at": "100", "status": "ok"}'],
    ["no status", '{"at": 100}'],
    ["array", "[]"],
    ["null", "null"],
    ["NaN-ish", '{"at": NaN, "status": "ok"}'],
  ])("%s is unreadable", (_n, content) => {
    expect(interpretHeartbeat(text(content)).kind).toBe("unreadable");
  });

  it("missing is missing; a folder is unreadable", () => {
    const sb = sandbox();
    mkdirSync(join(sb.data, "heartbeat.json"), { recursive: true });
    expect(readHeartbeat(join(sb.data, "heartbeat.json")).kind).toBe("unreadable");
    expect(readHeartbeat(join(sb.data, "nope.json")).kind).toBe("missing");
  });
});
