import { childProcess } from "../../watchdog/core/lazy.js";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { flagValue, type EntryContext } from "../../watchdog/core/cli.js";
import { EXIT, messageOf, WkError } from "../../watchdog/core/errors.js";
import { localTimezone } from "../../watchdog/core/onschedule.js";
import { renderLaunchd } from "./launchd.js";
import { renderSystemd, type Rendered } from "./systemd.js";
import { sh, type InstallContext } from "./jobs.js";
import { projectDir } from "../../watchdog/core/where.js";

export const PROJECT_DIR = projectDir();

export type Target = "systemd" | "launchd";

function target(args: string[]): Target {
  const t = args.find((a): a is Target => a === "systemd" || a === "launchd");
  if (!t) throw new WkError("USAGE", "say which: install systemd | install launchd");
  return t;
}

function who(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "nobody";
  }
}

export function installContext(ctx: EntryContext, configPath: string, args: string[]): InstallContext {
  return {
    projectDir: PROJECT_DIR,
    nodePath: process.execPath,
    configPath,
    dataDir: ctx.loaded.dataDir,
    memoryDir: ctx.loaded.memoryDir,
    logDir: join(PROJECT_DIR, "logs"),
    envFile: ctx.env.WATCHKEEPER_ENV_FILE ? resolve(ctx.env.WATCHKEEPER_ENV_FILE) : join(dirname(configPath), "watchkeeper.env"),
    scope: args.includes("--system") ? "system" : "user",
    user: who(),
    localTz: localTimezone(),
    nowMs: ctx.now(),
    prefix: "watchkeeper",
    config: ctx.loaded.config,
  };
}

export function render(t: Target, ic: InstallContext): Rendered {
  try {
    return t === "systemd" ? renderSystemd(ic) : renderLaunchd(ic);
  } catch (err) {
    if (err instanceof WkError) throw err;
    throw new WkError("CONFIG", `cannot render ${t} jobs: ${messageOf(err)}`, { cause: err });
  }
}

/** The config the units name must be a real file: a timer cannot use "defaults if absent". */
function ensureConfigFile(ctx: EntryContext): string {
  if (ctx.loaded.file) return ctx.loaded.file;
  const path = join(process.cwd(), "watchkeeper.config.json");
  writeFileSync(path, JSON.stringify({ $schema: join(PROJECT_DIR, "watchkeeper.schema.json") }, null, 2) + "\n");
  ctx.log.warn(`no config file yet: wrote ${path} (all defaults); edit it, then install again`);
  return path;
}

export async function installMain(ctx: EntryContext): Promise<number> {
  const t = target(ctx.args);
  const configPath = ensureConfigFile(ctx);
  const ic = installContext(ctx, configPath, ctx.args);
  const r = render(t, ic);
  const out = resolve(flagValue(ctx.args, "--out") ?? join(PROJECT_DIR, t === "systemd" ? "systemd" : "plists"));
  mkdirSync(out, { recursive: true });
  for (const f of r.files) writeFileSync(join(out, f.name), f.content);
  const print = (s = "") => process.stdout.write(s + "\n");
  print(`Rendered ${r.files.length} files for ${t}${t === "systemd" ? ` (--${ic.scope})` : ""} into ${out}:`);
  for (const f of r.files) print(`  ${f.name}`);
  print();
  for (const n of r.notes) print(`note: ${n}`);
  if (!existsSync(ic.envFile))
    print(
      `note: no ${ic.envFile} yet. Put the bot token there, readable by you only:\n  install -m 600 /dev/null ${sh(ic.envFile)} && echo 'TELEGRAM_BOT_TOKEN=123456:ABC...' >> ${sh(ic.envFile)}`,
    );
  print();
  print("To load them:");
  for (const c of r.load(out)) print(`  ${c}`);
  print();
  print(`To remove them: npx watchkeeper uninstall ${t}${t === "systemd" ? ` --${ic.scope}` : ""}   (or: ${r.unload(out).join(" && ")})`);
  print(`To check them:  npx watchkeeper doctor --config ${sh(configPath)}`);
  if (ctx.args.includes("--load")) {
    const platform = t === "systemd" ? "linux" : "darwin";
    if (process.platform !== platform) throw new WkError("USAGE", `--load: ${t} jobs load on ${platform}, this is ${process.platform}`);
    for (const c of r.load(out)) {
      print(`$ ${c}`);
      childProcess().execSync(c, { stdio: "inherit", shell: "/bin/sh" });
    }
  }
  return EXIT.OK;
}

export async function uninstallMain(ctx: EntryContext): Promise<number> {
  const t = target(ctx.args);
  const ic = installContext(ctx, ctx.loaded.file ?? join(process.cwd(), "watchkeeper.config.json"), ctx.args);
  const r = render(t, ic);
  const dry = ctx.args.includes("--dry-run");
  for (const c of r.unload("")) {
    process.stdout.write(`${dry ? "" : "$ "}${c}\n`);
    if (!dry) {
      try {
        childProcess().execSync(c, { stdio: "inherit", shell: "/bin/sh" });
      } catch (err) {
        ctx.log.warn(`"${c}" failed (${messageOf(err)}); continuing`);
      }
    }
  }
  return EXIT.OK;
}
