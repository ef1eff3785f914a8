import { humanDuration, isoSec } from "./time.js";
import type { CircuitState } from "./state.js";

export const TELEGRAM_MAX_CHARS = 4096;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Telegram counts characters after entity parsing; counting the raw HTML is a safe upper bound. */
export function fitTelegram(html: string, max = TELEGRAM_MAX_CHARS): string {
  if (html.length <= max) return html;
  const cut = html.slice(0, max - 20);
  // Never cut inside a tag or an entity.
  const safe = cut.replace(/<[^>]*$/, "").replace(/&[a-z#0-9]*$/i, "");
  return `${safe}\n… (truncated)`;
}

/** The exact edit that resumes, in a form a tired person can paste (works with GNU and BSD sed). */
export function resumeCommand(circuitPath: string): string {
  const q = `'${circuitPath.replace(/'/g, `'\\''`)}'`;
  return `sed -i.bak 's/"paused": *true/"paused": false/' ${q}`;
}

export function resumeHelp(circuitPath: string): string {
  return (
    `To resume, after you have checked why: edit ${circuitPath} and set "paused": false, or run:\n` +
    resumeCommand(circuitPath)
  );
}

export interface TripAlertInput {
  host: string;
  reason: string;
  detail: string;
  sinceSec: number;
  circuitPath: string;
  /** e.g. "paused: every cycle exits without trading" */
  nowDoing: string;
  /** The decision log's head after the trip was recorded: a copy of it leaves the machine. */
  auditHead?: string;
}

export function tripAlert(a: TripAlertInput): string {
  const lines = [
    `🔴 <b>watchkeeper: circuit tripped on ${escapeHtml(a.host)}</b>`,
    `<b>What:</b> ${escapeHtml(a.reason)}`,
    `<b>Detail:</b> ${escapeHtml(a.detail)}`,
    `<b>Since:</b> ${isoSec(a.sinceSec * 1000)}`,
    `<b>Now:</b> ${escapeHtml(a.nowDoing)}`,
    "",
    `To resume, after you have checked why, set <code>"paused": false</code> in <code>${escapeHtml(a.circuitPath)}</code>:`,
    `<pre>${escapeHtml(resumeCommand(a.circuitPath))}</pre>`,
    ...(a.auditHead ? [`Audit head: <code>${escapeHtml(a.auditHead)}</code>`] : []),
  ];
  return fitTelegram(lines.join("\n"));
}

export function reminderText(c: CircuitState & { state: "paused" }, host: string, circuitPath: string, nowMs: number, auditHead?: string): string {
  const lines = [`⏸ <b>watchkeeper on ${escapeHtml(host)} is still paused</b>`];
  if (c.valid) {
    const since = c.circuit.since;
    lines.push(`<b>Why:</b> ${escapeHtml(c.circuit.reason ?? "no reason given")}${c.circuit.by ? ` (by ${escapeHtml(c.circuit.by)})` : ""}`);
    if (since !== undefined) lines.push(`<b>Since:</b> ${isoSec(since * 1000)} (${humanDuration(nowMs / 1000 - since)} ago)`);
  } else {
    lines.push(`<b>Why:</b> the circuit file is ${escapeHtml(c.why)}; an unreadable circuit counts as paused.`);
  }
  lines.push("No cycle trades until a person resumes it.");
  lines.push("");
  lines.push(`To resume, after you have checked why, set <code>"paused": false</code> in <code>${escapeHtml(circuitPath)}</code>:`);
  lines.push(`<pre>${escapeHtml(resumeCommand(circuitPath))}</pre>`);
  if (auditHead) lines.push(`Audit head: <code>${escapeHtml(auditHead)}</code>`);
  return fitTelegram(lines.join("\n"));
}

/** HTML to plain text, for the console channel and logs. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
