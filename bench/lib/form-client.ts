import { Agent, request } from "node:http";

/** Posts one form again and again over HTTP/1.1 keep-alive, one connection per worker; a non-200 answer is an error. */
export function formPoster(url: string, body: string, authorization: string, concurrency: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const bytes = Buffer.from(body);
  const headers = { "content-type": "application/x-www-form-urlencoded", "content-length": bytes.byteLength, authorization };
  return {
    post: () =>
      new Promise<void>((resolve, reject) => {
        const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers }, (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
          res.on("error", reject);
        });
        req.on("error", reject);
        req.end(bytes);
      }),
    close: () => agent.destroy(),
  };
}
