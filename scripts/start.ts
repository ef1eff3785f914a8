import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { childProcess } from "../watchdog/core/lazy.js";
import type { EntryContext } from "../watchdog/core/cli.js";
import { EXIT } from "../watchdog/core/errors.js";
import { distFile, SCHEDULED } from "../watchdog/core/where.js";

const EXIT_MEANING: Record<number, string> = {
  0: "ok",
  1: "failed",
  2: "paused",
  64: "usage error",
  74: "I/O error",
  75: "busy or temporary failure",
  78: "config error",
  124: "timed out",
};

/**
 * The embedded scheduler behind `npm start`: the three entrypoints on their cron
 * schedules, each run in its own child process so a hung cycle cannot stop the
 * watchdog. Like a systemd timer, a job still running is not started twice.
 */
export async function startMain(ctx: EntryContext): Promise<number> {
  // require(), not import(): the CLI bundle leaves node-cron out (see scripts/bundle.ts) and
  // runs without an ES module loader; node-cron ships CommonJS too.
  const cron = createRequire(import.meta.url)("node-cron") as typeof import("node-cron");
  const { config, file } = ctx.loaded;
  const log = ctx.log;
  const configArgs = file ? ["--config", file] : [];
  const jobs = [
    { name: "cycle", schedule: config.cycle.schedule, script: distFile(SCHEDULED.cycle) },
    { name: "watchdog", schedule: config.watchdog.schedule, script: distFile(SCHEDULED.watchdog) },
    { name: "remind", schedule: config.reminder.schedule, script: distFile(SCHEDULED.remind) },
  ];
  const running = new Map<string, ChildProcess>();
  let stopping = false;

  const launch = (job: (typeof jobs)[number]) => {
    if (stopping) return;
    if (running.has(job.name)) {
      log.warn({ job: job.name }, `${job.name} is still running from the last tick; not starting another`);
      return;
    }
    // Own process group: Ctrl-C reaches only this scheduler, which then lets the children finish.
    const child = childProcess().spawn(process.execPath, [job.script, ...configArgs], { stdio: "inherit", detached: true, env: process.env });
    running.set(job.name, child);
    child.on("exit", (code, signal) => {
      running.delete(job.name);
      const what = signal ? `killed by ${signal}` : `exit ${code} (${EXIT_MEANING[code ?? -1] ?? "?"})`;
      const level = signal || (code !== 0 && code !== 2) ? "warn" : "debug";
      log[level]({ job: job.name, code, signal }, `${job.name} ${what}`);
    });
  };

  const tasks = jobs.map((job) =>
    cron.schedule(job.schedule, () => launch(job), { timezone: config.timezone, name: job.name, noOverlap: false }),
  );
  log.info(
    { config: file ?? "(defaults)", data: ctx.loaded.dataDir, memory: ctx.loaded.memoryDir },
    `watchkeeper started: cycle "${config.cycle.schedule}", watchdog "${config.watchdog.schedule}", reminder "${config.reminder.schedule}" (${config.timezone}). Ctrl-C stops.`,
  );
  launch(jobs[0]!); // a first beat at once, so a new user sees it work

  return await new Promise<number>((resolve) => {
    const stop = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      for (const t of tasks) void t.stop();
      log.info(`${sig}: stopping; waiting for ${running.size} running job(s) to finish`);
      const deadline = Date.now() + 10_000;
      const wait = setInterval(() => {
        if (running.size === 0 || Date.now() > deadline) {
          clearInterval(wait);
          for (const [name, child] of running) {
            log.warn(`${name} did not finish in time; sending SIGTERM`);
            child.kill("SIGTERM");
          }
          log.info("stopped");
          resolve(EXIT.OK);
        }
      }, 50);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
