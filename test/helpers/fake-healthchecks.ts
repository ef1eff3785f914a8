import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
