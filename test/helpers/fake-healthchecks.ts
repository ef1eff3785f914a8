import { createServer, type Server, type ServerResponse } from "node:http";
import { closeLocal, listenLocal } from "./local-server.js";

export interface Ping {
  uuid: string;
  signal: string; // "success", "start", "fail", or an exit status
  rid: string | null;
  body: string;
  at: number;
}

/** The Healthchecks ping endpoints (/<uuid>, /start, /fail, /<exit-status>, ?rid=) on 127.0.0.1. */
export class FakeHealthchecks {
  readonly pings: Ping[] = [];
  mode: "ok" | "hang" | "500" = "ok";
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const u = new URL(req.url ?? "/", "http://x");
      const [uuid, signal] = u.pathname.split("/").filter(Boolean);
      this.pings.push({ uuid: uuid ?? "", signal: signal ?? "success", rid: u.searchParams.get("rid"), body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      if (this.mode === "hang") {
        this.hanging.push(res);
        return;
      }
      res.writeHead(this.mode === "500" ? 500 : 200, { "content-type": "text/plain" }).end(this.mode === "500" ? "error" : "OK");
    });
  });
  private hanging: ServerResponse[] = [];
  port = 0;

  url(uuid: string): string {
    return `http://127.0.0.1:${this.port}/${uuid}`;
  }

  async listen(): Promise<this> {
    this.port = await listenLocal(this.server);
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    await closeLocal(this.server);
  }
}

/** The management API endpoints `witness sync` uses: GET and POST /api/v3/checks/ (upsert by name). */
export class FakeHealthchecksApi {
  readonly checks: Record<string, unknown>[] = [];
  readonly writes: { method: string; body: Record<string, unknown> }[] = [];
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const json = (status: number, v: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(v));
      if (req.headers["x-api-key"] !== "good-key") return json(401, { error: "wrong api key" });
      if (req.url !== "/api/v3/checks/") return json(404, { error: "not found" });
      if (req.method === "GET") return json(200, { checks: this.checks });
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      this.writes.push({ method: req.method ?? "", body });
      const i = this.checks.findIndex((c) => c.name === body.name);
      const { unique: _u, ...fields } = body;
      void _u;
      if (i >= 0) {
        this.checks[i] = { ...this.checks[i], ...fields };
        return json(200, this.checks[i]);
      }
      const c = { ...fields, ping_url: `http://127.0.0.1:${this.port}/ping/${this.checks.length + 1}` };
      this.checks.push(c);
      return json(201, c);
    });
  });
  port = 0;
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  async listen(): Promise<this> {
    this.port = await listenLocal(this.server);
    return this;
  }
  async close(): Promise<void> {
    await closeLocal(this.server);
  }
}
