import { mkdirSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { crypto } from "./lazy.js";
import { atomicWriteFile, fsyncDir, parseJson, readState, removeFile } from "./fsx.js";
import { acquireLock } from "./lock.js";
import { errno, messageOf, WkError } from "./errors.js";
import { OutboxItemFile } from "./parse.js";
import type { OutboxItem } from "./schemas.js";
import { DeliveryError, type Channel } from "./telegram.js";
import { htmlToText } from "./messages.js";
import { printOut, redact, type Logger } from "./log.js";
import { epochSec } from "./time.js";
import { recordEvent } from "./journal.js";

export interface OutboxDeps {
  dir: string;
  lockPath: string;
  now: () => number;
  log: Logger;
  /** Where alert deliveries and failures are recorded for the audit trail. */
  journal?: { decisions: string; decisionsLock: string };
}

function audit(deps: OutboxDeps, kind: string, fields: Record<string, unknown>): Promise<unknown> {
  if (!deps.journal) return Promise.resolve();
  return recordEvent(deps.journal, deps.now, kind, fields, (err) => deps.log.error({ err: String(err) }, `could not record ${kind}`));
}

/** Names sort oldest first: zero-padded milliseconds, then a random tiebreak. */
function itemFileName(nowMs: number): { id: string; file: string } {
  const id = `${String(nowMs).padStart(15, "0")}-${crypto().randomBytes(4).toString("hex")}`;
  return { id, file: `${id}.json` };
}

/** Durably queues an alert; once this returns, the alert survives a crash. */
export function enqueue(deps: OutboxDeps, kind: string, text: string): OutboxItem {
  mkdirSync(deps.dir, { recursive: true });
  const { id, file } = itemFileName(deps.now());
  const item: OutboxItem = { id, createdAt: epochSec(deps.now()), kind, text, attempts: 0 };
  atomicWriteFile(join(deps.dir, file), JSON.stringify(item, null, 2) + "\n");
  return item;
}

export function pendingFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json") && !f.startsWith("."))
      .sort();
  } catch (err) {
    if (errno(err) === "ENOENT") return [];
    throw err;
  }
}

export interface FlushResult {
  sent: number;
  failed: number;
  pending: number;
  /** Set when flushing stopped on an error. */
  lastError: string | null;
  skipped?: "locked" | "not-ready";
}

/**
 * Sends queued alerts oldest first. Stops at the first failure so the order is kept;
 * an alert is removed only after the channel accepted it.
 */
export async function flushOutbox(deps: OutboxDeps, channel: Channel, maxPerRun: number): Promise<FlushResult> {
  const total = pendingFiles(deps.dir).length;
  if (total === 0) return { sent: 0, failed: 0, pending: 0, lastError: null };
  if (channel.notReady) {
    deps.log.error({ pending: total }, `${total} alert(s) waiting in ${deps.dir}: ${channel.notReady}`);
    return { sent: 0, failed: 0, pending: total, lastError: channel.notReady, skipped: "not-ready" };
  }
  let lock;
  try {
    lock = await acquireLock(deps.lockPath, { purpose: "outbox", now: deps.now });
  } catch (err) {
    if (err instanceof WkError && err.code === "LOCKED") {
      deps.log.info("another process is sending the outbox; leaving it to that one");
      return { sent: 0, failed: 0, pending: total, lastError: null, skipped: "locked" };
    }
    throw err;
  }
  let sent = 0;
  let failed = 0;
  let lastError: string | null = null;
  try {
    for (const file of pendingFiles(deps.dir)) {
      if (sent >= maxPerRun) break;
      const path = join(deps.dir, file);
      const read = readState(path);
      if (read.kind === "missing") continue;
      const json = read.kind === "text" ? parseJson(read.text) : { ok: false as const, why: read.why };
      const parsed = json.ok ? OutboxItemFile.safeParse(json.value) : null;
      if (!parsed || !parsed.success) {
        // Keep it for a person rather than drop it or let it block every later alert.
        const why = !json.ok ? json.why : parsed && !parsed.success ? parsed.why : "invalid";
        const aside = `${path}.bad`;
        try {
          renameSync(path, aside);
        } catch {
          // leave it where it is
        }
        deps.log.error({ file: aside }, `outbox item ${file} is unreadable (${why}); moved aside to ${aside}`);
        failed++;
        continue;
      }
      const item = parsed.data;
      try {
        await channel.send(item.text, { kind: item.kind, id: item.id, createdAt: item.createdAt });
        removeFile(path);
        fsyncDir(deps.dir);
        sent++;
        deps.log.info({ outboxId: item.id, kind: item.kind, channel: channel.name }, `alert delivered via ${channel.name}`);
        await audit(deps, "alert-sent", { outboxId: item.id, alert: item.kind, channel: channel.name, attempts: item.attempts + 1 });
      } catch (err) {
        failed++;
        lastError = redact(err instanceof Error ? err.message : messageOf(err));
        const updated: OutboxItem = { ...item, attempts: item.attempts + 1, lastError, lastAttemptAt: epochSec(deps.now()) };
        try {
          atomicWriteFile(path, JSON.stringify(updated, null, 2) + "\n");
        } catch (e2) {
          deps.log.error({ err: messageOf(e2) }, `cannot record the failed attempt in ${path}`);
        }
        const retry = err instanceof DeliveryError && !err.retryable ? "fix this, then it is retried on the next run" : "retried on the next run";
        deps.log.error(
          { outboxId: item.id, kind: item.kind, attempts: updated.attempts, channel: channel.name },
          `alert not delivered: ${lastError}; kept in the outbox (${retry})`,
        );
        await audit(deps, "alert-failed", { outboxId: item.id, alert: item.kind, channel: channel.name, attempts: updated.attempts, error: lastError });
        break;
      }
    }
  } finally {
    lock.release();
  }
  return { sent, failed, pending: pendingFiles(deps.dir).length, lastError };
}

/** A channel beside the primary one, with its own outbox so a dead channel holds back no other. */
export interface ExtraChannel {
  channel: Channel;
  dir: string;
  lockPath: string;
}

export interface AlertDeps extends OutboxDeps {
  channel: Channel;
  maxPerRun: number;
  extra?: ExtraChannel[];
  /** Where the console channel prints; stdout by default. */
  print?: (line: string) => void;
}

function outboxes(deps: AlertDeps): ExtraChannel[] {
  const primaryUnset = deps.channel.notReady !== null && deps.channel.notReady.startsWith("Telegram is not set up");
  return [...(primaryUnset ? [] : [{ channel: deps.channel, dir: deps.dir, lockPath: deps.lockPath }]), ...(deps.extra ?? [])];
}

/**
 * Sends to every configured channel at once, without the outbox: for when the disk the
 * outboxes live on is the problem. Returns how many channels accepted it.
 */
export async function sendNow(deps: AlertDeps, html: string): Promise<number> {
  let delivered = 0;
  for (const o of outboxes(deps)) {
    try {
      await o.channel.send(html);
      delivered++;
    } catch (err) {
      deps.log.error(`${o.channel.name}: could not send this either: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return delivered;
}

/** Retries every channel's outbox, each on its own. */
export async function flushAll(deps: AlertDeps): Promise<FlushResult[]> {
  const out: FlushResult[] = [];
  for (const o of outboxes(deps)) out.push(await flushOutbox({ ...deps, dir: o.dir, lockPath: o.lockPath }, o.channel, deps.maxPerRun));
  return out;
}

export function pendingAll(deps: AlertDeps): number {
  return [deps.dir, ...(deps.extra ?? []).map((e) => e.dir)].reduce((a, d) => a + pendingFiles(d).length, 0);
}

/**
 * Every alert goes through here: for each configured channel it is queued durably in
 * that channel's outbox first, then every outbox is flushed. With no channel set up
 * at all, it is logged at ERROR and printed.
 */
export async function raiseAlert(deps: AlertDeps, kind: string, html: string): Promise<{ queued: boolean; results: FlushResult[] }> {
  const text = htmlToText(html);
  const targets = outboxes(deps);
  if (targets.length === 0) {
    deps.log.error({ alert: kind }, `ALERT (${deps.channel.notReady}; printing it instead):\n${text}`);
    (deps.print ?? ((l: string) => printOut(l + "\n")))(`ALERT [${kind}] (Telegram is not set up)\n${text}`);
    await audit(deps, "alert-printed", { alert: kind, channel: "console", why: deps.channel.notReady });
    return { queued: false, results: [] };
  }
  for (const t of targets) {
    const item = enqueue({ ...deps, dir: t.dir }, kind, html);
    await audit(deps, "alert-queued", { outboxId: item.id, alert: kind, channel: t.channel.name });
    deps.log.error({ alert: kind, outboxId: item.id, channel: t.channel.name }, `ALERT queued for ${t.channel.name}:\n${text}`);
  }
  return { queued: true, results: await flushAll(deps) };
}
