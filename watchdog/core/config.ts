import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "./config-schema.js";
import { errno, messageOf, WkError } from "./errors.js";
import { NO, parseConfigFast } from "./generated/parsers.js";
import { loadZodSchemas } from "./parse.js";

export type { Config, ConfigInput } from "./config-schema.js";

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or null when the defaults were used. */
  file: string | null;
  dataDir: string;
  memoryDir: string;
  /** Folder relative paths in the config are resolved from. */
  baseDir: string;
}

export const DEFAULT_CONFIG_FILE = "watchkeeper.config.json";

export function parseConfig(raw: unknown, file: string): Config {
  const quick = parseConfigFast(raw);
  if (quick !== NO) return quick;
  // Not a plain good config: zod decides, and words the first problem.
  const z = loadZodSchemas();
  if ("why" in z) throw new WkError("CONFIG", `${file}: not a plain valid config, and ${z.why}`, { cause: z.cause });
  const { ConfigSchema, formatZodIssue } = z.schemas;
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : "";
    throw new WkError("CONFIG", `${file}: ${first ? formatZodIssue(first) : "invalid"}${more}`);
  }
  return result.data;
}

/** `--config PATH`, else WATCHKEEPER_CONFIG, else ./watchkeeper.config.json (optional). */
export function configPathFrom(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { path: string; explicit: boolean } {
  const i = args.indexOf("--config");
  if (i >= 0) {
    const p = args[i + 1];
    if (!p) throw new WkError("USAGE", "--config needs a path");
    return { path: resolve(cwd, p), explicit: true };
  }
  const eq = args.find((a) => a.startsWith("--config="));
  if (eq) return { path: resolve(cwd, eq.slice("--config=".length)), explicit: true };
  if (env.WATCHKEEPER_CONFIG) return { path: resolve(cwd, env.WATCHKEEPER_CONFIG), explicit: true };
  return { path: resolve(cwd, DEFAULT_CONFIG_FILE), explicit: false };
}

export function loadConfig(path: string, explicit: boolean): LoadedConfig {
  let text: string | null = null;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (errno(err) === "ENOENT" && !explicit) text = null;
    else if (errno(err) === "ENOENT") throw new WkError("CONFIG", `${path}: config file not found`, { cause: err });
    else throw new WkError("CONFIG", `${path}: cannot read config file (${errno(err) ?? messageOf(err)})`, { cause: err });
  }
  let raw: unknown = {};
  if (text !== null) {
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (err) {
      throw new WkError("CONFIG", `${path}: not valid JSON (${messageOf(err)})`, { cause: err });
    }
  }
  const config = parseConfig(raw, path);
  const baseDir = text === null ? process.cwd() : dirname(path);
  return {
    config,
    file: text === null ? null : path,
    baseDir,
    dataDir: resolve(baseDir, config.paths.data),
    memoryDir: resolve(baseDir, config.paths.memory),
  };
}

