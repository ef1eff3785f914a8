import { readFileSync, realpathSync } from "node:fs";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { configPathFrom, loadConfig, type LoadedConfig } from "./config.js";
import { loadEnvFile } from "./envfile.js";
import { localTimezone, offScheduleStart } from "./onschedule.js";
import { exitCodeFor, messageOf, WkError, EXIT } from "./errors.js";
import { createLogger, printErr, redact, type Logger } from "./log.js";
import { statePaths, type StatePaths } from "./state.js";
import { systemClock, type Clock } from "./time.js";
import { projectDir } from "./where.js";

export interface EntryContext {
  args: string[];
  env: NodeJS.ProcessEnv;
  loaded: LoadedConfig;
  paths: StatePaths;
  log: Logger;
  now: Clock;
  host: string;
}

let cachedVersion: string | undefined;
export function version(): string {
  if (cachedVersion === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(join(projectDir(), "package.json"), "utf8")) as { version?: string };
      cachedVersion = pkg.version ?? "0.0.0";
    } catch {
      cachedVersion = "0.0.0";
    }
  }
  return cachedVersion;
}

/** True when `metaUrl` is the file node was asked to run (not merely imported). */
export function isMain(metaUrl: string): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) {
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) throw new WkError("USAGE", `${name} needs a value`);
    return v;
  }
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

export function prepare(name: string, args: string[], env: NodeJS.ProcessEnv = process.env): EntryContext {
  const { path, explicit } = configPathFrom(args, env, process.cwd());
  const loaded = loadConfig(path, explicit);
  // Secrets: $WATCHKEEPER_ENV_FILE, else watchkeeper.env beside the config, if present.
  const envFile = env.WATCHKEEPER_ENV_FILE ? resolve(env.WATCHKEEPER_ENV_FILE) : join(dirname(path), "watchkeeper.env");
  loadEnvFile(envFile, env, Boolean(env.WATCHKEEPER_ENV_FILE));
  const log = createLogger({ name, level: env.WATCHKEEPER_LOG_LEVEL ?? loaded.config.log.level });
  return {
    args,
    env,
    loaded,
    paths: statePaths(loaded.dataDir, loaded.memoryDir),
    log,
    now: systemClock,
    host: hostname(),
  };
}

/**
 * The one top-level handler of an entrypoint: user mistakes become one line and an
 * exit code (sysexits); only a bug in our own code prints a stack.
 */
export async function runEntry(name: string, body: (ctx: EntryContext) => Promise<number>, args = process.argv.slice(2)): Promise<never> {
  let code: number;
  let log: Logger | undefined;
  try {
    const ctx = prepare(name, args);
    log = ctx.log;
    code = await body(ctx);
  } catch (err) {
    code = exitCodeFor(err);
    const line = redact(`watchkeeper ${name}: ${messageOf(err)}`);
    if (err instanceof WkError) {
      if (log && err.code !== "CONFIG" && err.code !== "USAGE") log.error({ code: err.code }, line);
      else printErr(line + "\n");
    } else {
      code = EXIT.FAILED;
      printErr(redact(`watchkeeper ${name}: unexpected error (a bug, please report): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`) + "\n");
    }
  }
  process.exit(code);
}

/** launchd jobs installed with --on-schedule skip starts that are not due in the config's zone. */
export function skippedOffSchedule(ctx: EntryContext, schedule: string): boolean {
  if (!ctx.args.includes("--on-schedule")) return false;
  const r = offScheduleStart(schedule, ctx.loaded.config.timezone, localTimezone(), ctx.now());
  if (r.skip) ctx.log.info(`off-schedule start skipped: ${r.why}`);
  return r.skip;
}
