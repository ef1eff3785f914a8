import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Listens on a free port on 127.0.0.1 (tests talk to nothing else) and returns it. */
export async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

/** Closes the server, dropping kept-alive and hanging connections. */
export async function closeLocal(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}
