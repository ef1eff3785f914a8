import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCHEDULED } from "../../watchdog/core/where.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DIST = join(ROOT, "dist");
/** What the timers and the bin run: the bundled entrypoints (scripts/bundle.ts). */
export const BIN = join(DIST, "bin/watchkeeper.cjs");
export const ENTRY = {
  cycle: join(DIST, SCHEDULED.cycle),
  watchdog: join(DIST, SCHEDULED.watchdog),
  remind: join(DIST, SCHEDULED.remind),
};

export interface Sandbox {
  dir: string;
  config: string;
  data: string;
  memory: string;
  file(rel: string): string;
  read(rel: string): string;
  readJson<T = Record<string, unknown>>(rel: string): T;
  exists(rel: string): boolean;
  write(rel: string, text: string): void;
  outbox(): string[];
  decisions(): Record<string, unknown>[];
  /** A watchdog that has been watching for an hour, so a missing heartbeat is an outage, not a new install. */
  watchedForAnHour(): void;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const av = out[k];
    out[k] = av && typeof av === "object" && !Array.isArray(av) && v && typeof v === "object" && !Array.isArray(v) ? merge(av as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

/**
 * Cycles run back to back in a test would share one five-minute slot, and a re-run of a
 * slot records no decision twice: tests get a slot a second unless they say otherwise.
 */
const TEST_DEFAULTS = { cycle: { schedule: "* * * * * *" } };

/** A temp folder with its own config; the config's relative paths resolve inside it. */
export function sandbox(config: Record<string, unknown> = {}, opts: { raw?: boolean } = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "wk-test-"));
  const configPath = join(dir, "watchkeeper.config.json");
  writeFileSync(configPath, JSON.stringify(opts.raw ? config : merge(TEST_DEFAULTS, config), null, 2));
  const file = (rel: string) => join(dir, rel);
  return {
    dir,
    config: configPath,
    data: join(dir, "data"),
    memory: join(dir, "memory"),
    file,
    read: (rel) => readFileSync(file(rel), "utf8"),
    readJson: <T>(rel: string) => JSON.parse(readFileSync(file(rel), "utf8")) as T,
    exists: (rel) => existsSync(file(rel)),
    write: (rel, text) => writeFileSync(file(rel), text),
    outbox: () => {
      try {
        return readdirSync(file("data/outbox")).filter((f) => f.endsWith(".json")).sort();
      } catch {
        return [];
      }
    },
    watchedForAnHour: () => {
      const now = Math.floor(Date.now() / 1000);
      mkdirSync(file("data"), { recursive: true });
      writeFileSync(file("data/watchdog.json"), JSON.stringify({ at: now, verdict: "healthy", streak: 0, watchingSince: now - 3600 }));
    },
    decisions: () => {
      if (!existsSync(file("memory/decisions.jsonl"))) return [];
      return readFileSync(file("memory/decisions.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
    },
  };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Env for children: nothing from the developer's shell that could reach a real Telegram. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, WATCHKEEPER_LOG: "json", TZ: "UTC" };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function start(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, args, { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] });
}

export function collect(child: ChildProcess): Promise<RunResult> {
  const t0 = Date.now();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 })));
}

/**
 * Resolves once the child's stderr so far satisfies `until`, or after `timeoutMs`: a test
 * waits for what it needs to see, not for a fixed time that a loaded machine may not meet.
 */
export function waitForStderr(child: ChildProcess, until: (stderr: string) => boolean, timeoutMs: number): Promise<boolean> {
  let seen = "";
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      child.stderr?.off("data", onData);
      resolve(ok);
    };
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (until(seen)) done(true);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    child.stderr?.on("data", onData);
  });
}

export function run(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<RunResult> {
  return collect(start(args, opts));
}

/** Waits into the next whole second: the next cycle slot of the tests' per-second schedule. */
export function nextSlot(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
}

/** `watchkeeper <cmd> --config <sandbox config>` */
export function wk(sb: Sandbox, cmd: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> {
  return run([BIN, ...cmd, "--config", sb.config], { env });
}

export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
