import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeLocal, listenLocal } from "./local-server.js";

export interface SentMessage {
  token: string;
  method: string;
  params: Record<string, string>;
}

export type Behaviour =
  | { kind: "ok" }
  | { kind: "status"; status: number; description?: string }
  | { kind: "429"; retryAfterSec: number }
  | { kind: "hang" }
  | { kind: "malformed" }
  | { kind: "echo-url-error" };

/**
 * A Bot API server on 127.0.0.1 that the real node-telegram-bot-api client talks to
 * through its apiRoot option. Behaviours are consumed one per request; when the
 * queue is empty it answers like Telegram does on success.
 */
export class FakeTelegram {
  readonly received: SentMessage[] = [];
  readonly delivered: SentMessage[] = [];
  readonly queue: Behaviour[] = [];
  fallback: Behaviour = { kind: "ok" };
  private server: Server;
  private hanging: ServerResponse[] = [];
  private nextId = 1;
  /** getUpdates: what the bot will be told, and the long polls waiting for it. */
  readonly updates: { update_id: number; message: Record<string, unknown> }[] = [];
  private waiting: (() => boolean)[] = [];
  polls = 0;

  /** A user sends the bot a message. */
  say(chatId: number, text: string, username = "someone"): void {
    const id = this.updates.length + 1;
    this.updates.push({ update_id: id, message: { message_id: id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: { id: chatId, is_bot: false, first_name: username, username }, text } });
    this.waiting = this.waiting.filter((w) => !w());
  }
  port = 0;

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    await closeLocal(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    if (!m) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
      return;
    }
    const ct = req.headers["content-type"] ?? "";
    const params: Record<string, string> = ct.includes("application/json")
      ? (JSON.parse(body) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(body));
    const msg: SentMessage = { token: decodeURIComponent(m[1]!), method: m[2]!, params };
    if (msg.method === "getUpdates") {
      this.polls++;
      const offset = Number(params.offset ?? 0);
      const answer = () => {
        const ready = this.updates.filter((u) => u.update_id >= offset);
        if (ready.length === 0) return false;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result: ready }));
        return true;
      };
      if (answer()) return;
      const waitMs = Math.min(Number(params.timeout ?? 0) * 1000, 30_000);
      const t = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== tryNow);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, result: [] }));
      }, waitMs);
      const tryNow = () => {
        if (answer()) {
          clearTimeout(t);
          return true;
        }
        return false;
      };
      this.waiting.push(tryNow);
      return;
    }
    this.received.push(msg);
    const b = this.queue.shift() ?? this.fallback;
    const json = (status: number, obj: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(obj));
    switch (b.kind) {
      case "ok":
        this.delivered.push(msg);
        json(200, { ok: true, result: { message_id: this.nextId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(params.chat_id), type: "private" }, text: params.text } });
        return;
      case "status":
        json(b.status, { ok: false, error_code: b.status, description: b.description ?? "Internal Server Error" });
        return;
      case "429":
        json(429, { ok: false, error_code: 429, description: `Too Many Requests: retry after ${b.retryAfterSec}`, parameters: { retry_after: b.retryAfterSec } });
        return;
      case "hang":
        this.hanging.push(res);
        return;
      case "malformed":
        res.writeHead(200, { "content-type": "application/json" }).end("{not json");
        return;
      case "echo-url-error":
        json(400, { ok: false, error_code: 400, description: `Bad Request: cannot handle ${req.url}` });
        return;
    }
  }
}

/** A port on 127.0.0.1 with nothing listening: connections are refused. */
export async function refusedApiRoot(): Promise<string> {
  const s = createServer();
  const port = await listenLocal(s);
  await closeLocal(s);
  return `http://127.0.0.1:${port}`;
}
