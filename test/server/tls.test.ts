// @peculiar/x509 resolves its ASN.1 handlers through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { execFile } from "node:child_process";
import { createHash, webcrypto, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as http2 from "node:http2";
import * as https from "node:https";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import grpc from "@grpc/grpc-js";
import * as x509 from "@peculiar/x509";
import { readTlsFiles, TlsFilesError } from "../../src/server/tls-files.js";
import { bufExecutable, bufSchema } from "../support/buf.js";
import { embeddedBackend } from "../support/backends.js";
import { launchChromium } from "../support/chromium.js";
import { templateDataDir, spawnKeygate } from "../support/keygate-process.js";
import { startTestKeygate, type TestKeygate } from "../support/keygate-server.js";
import { grpcJsUnary } from "./grpc-js-client.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const repo = fileURLToPath(new URL("../../", import.meta.url));
const healthzPath = "/zitadel.management.v1.ManagementService/Healthz";
const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

interface Issued {
  certPem: string;
  keyPem: string;
  serial: string;
}

/** A test CA, and leaf certificates for 127.0.0.1 and localhost that it signs. */
class TestCa {
  private constructor(
    private readonly keys: webcrypto.CryptoKeyPair,
    readonly certPem: string,
  ) {}

  static async create(): Promise<TestCa> {
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=keygate test CA",
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      keys,
      signingAlgorithm: algorithm,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    return new TestCa(keys, cert.toString("pem"));
  }

  async issue(serialNumber: string): Promise<Issued> {
    const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: "CN=localhost",
      issuer: "CN=keygate test CA",
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: "ip", value: "127.0.0.1" },
          { type: "dns", value: "localhost" },
        ]),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END PRIVATE KEY-----\n`;
    // The leaf followed by its chain, as a certificate file from a CA comes.
    return { certPem: `${cert.toString("pem")}\n${this.certPem}\n`, keyPem, serial: serialNumber.toUpperCase() };
  }
}

/** The serial number of the certificate a new TLS connection is served, checked against the CA. */
function servedSerial(port: number, ca: string, alpn?: string[]): Promise<{ serial: string; alpn: string | false }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, ca, ALPNProtocols: alpn, servername: "localhost" }, () => {
      resolve({ serial: socket.getPeerCertificate().serialNumber, alpn: socket.alpnProtocol ?? false });
      socket.end();
    });
    socket.once("error", reject);
  });
}

function http2Get(session: http2.ClientHttp2Session, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ":path": path });
    stream.on("response", (headers) => resolve(Number(headers[":status"])));
    stream.once("error", reject);
    stream.resume();
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function writeCertFiles(dir: string, issued: Issued): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, "tls.crt");
  const keyFile = join(dir, "tls.key");
  await writeFile(certFile, issued.certPem);
  await writeFile(keyFile, issued.keyPem, { mode: 0o600 });
  return { certFile, keyFile };
}

describe("TLS on the one port", () => {
  let ca: TestCa;
  let leaf: Issued;
  let keygate: TestKeygate;
  let port: number;

  beforeAll(async () => {
    ca = await TestCa.create();
    leaf = await ca.issue("0a01");
    const dir = await mkdtemp(join(tmpdir(), "keygate-tls-"));
    dirs.push(dir);
    const files = await writeCertFiles(dir, leaf);
    keygate = await startTestKeygate(embeddedBackend(), { tlsCertFile: files.certFile, tlsKeyFile: files.keyFile });
    port = keygate.port;
  }, 120_000);
  afterAll(() => keygate?.dispose());

  test("the URL is https, ALPN offers h2 and http/1.1, and a client without ALPN gets HTTP/1.1", async () => {
    expect(keygate.url).toBe(`https://127.0.0.1:${port}`);
    expect(await servedSerial(port, ca.certPem, ["h2", "http/1.1"])).toEqual({ serial: leaf.serial, alpn: "h2" });
    expect((await servedSerial(port, ca.certPem, ["http/1.1"])).alpn).toBe("http/1.1");
    const status = await new Promise<number>((resolve, reject) =>
      https.get({ host: "127.0.0.1", port, path: "/healthz", ca: ca.certPem, servername: "localhost" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).once("error", reject),
    );
    expect(status).toBe(200);
  });

  test("the port speaks TLS only: cleartext HTTP/1.1 and h2c get no answer", async () => {
    const cleartext = (bytes: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(bytes));
        let received = "";
        socket.on("data", (c: Buffer) => (received += c.toString("latin1")));
        socket.once("close", () => resolve(received));
        socket.once("error", () => resolve(received));
      });
    expect(await cleartext("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")).not.toContain("HTTP/1.1 200");
    expect(await cleartext("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).not.toMatch(/alive/);
  });

  test("grpc-js calls over TLS with the CA as its root", async () => {
    const client = new grpc.Client(`localhost:${port}`, grpc.credentials.createSsl(Buffer.from(ca.certPem)));
    try {
      const result = await grpcJsUnary(client, healthzPath, () => Buffer.alloc(0), (b) => b, {});
      expect(result.error).toBeUndefined();
    } finally {
      client.close();
    }
  });

  test.each(["grpc", "connect", "grpcweb"])("buf curl over %s with --cacert", async (protocol) => {
    const dir = await mkdtemp(join(tmpdir(), "keygate-tls-ca-"));
    dirs.push(dir);
    await writeFile(join(dir, "ca.pem"), ca.certPem);
    const args = ["curl", "--schema", bufSchema(), "--protocol", protocol, "--cacert", join(dir, "ca.pem"), "-d", "{}", `https://localhost:${port}${healthzPath}`];
    const out = await new Promise<string>((resolve, reject) =>
      execFile(bufExecutable, args, { cwd: repo, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout))),
    );
    expect(JSON.parse(out)).toEqual({});
  }, 60_000);

  test("fetch over TLS (Node's fetch, trusting the CA through NODE_EXTRA_CA_CERTS)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keygate-tls-ca-"));
    dirs.push(dir);
    await writeFile(join(dir, "ca.pem"), ca.certPem);
    const script = `fetch(${JSON.stringify(`https://localhost:${port}/management/v1/healthz`)}).then(async (r) => console.log(r.status, await r.text()), (e) => { console.error(e.cause ?? e); process.exit(1); })`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["-e", script], { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") }, timeout: 30_000 }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr)) : resolve(stdout),
      ),
    );
    expect(out.trim()).toBe("200 {}");
  }, 60_000);

  test("Chromium loads a page over TLS with HTTP/2 and calls keygate from it", async () => {
    // Trusts exactly this test key (its SPKI hash), nothing else.
    const spki = new X509Certificate(leaf.certPem).publicKey.export({ type: "spki", format: "der" });
    const browser = await launchChromium([`--ignore-certificate-errors-spki-list=${createHash("sha256").update(spki).digest("base64")}`]);
    try {
      const page = await browser.newPage();
      const response = await page.goto(`https://localhost:${port}/healthz`);
      expect(response?.status()).toBe(200);
      const seen = await page.evaluate(async () => {
        const res = await fetch("/management/v1/healthz");
        // The browser's own record of the page's connection (lib "dom" is not in this project's types).
        const entry = performance.getEntriesByType("navigation" as never)[0] as unknown as { nextHopProtocol: string };
        return { status: res.status, protocol: entry.nextHopProtocol };
      });
      expect(seen).toEqual({ status: 200, protocol: "h2" });
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe("TLS files", () => {
  test("a key that does not belong to the certificate, or a missing file, is refused before use, naming the setting", async () => {
    const ca = await TestCa.create();
    const [a, b] = [await ca.issue("0b01"), await ca.issue("0b02")];
    const dir = await mkdtemp(join(tmpdir(), "keygate-tls-"));
    dirs.push(dir);
    await writeFile(join(dir, "a.crt"), a.certPem);
    await writeFile(join(dir, "b.key"), b.keyPem);
    await expect(readTlsFiles(join(dir, "a.crt"), join(dir, "b.key"))).rejects.toThrow(TlsFilesError);
    await expect(readTlsFiles(join(dir, "missing.crt"), join(dir, "b.key"))).rejects.toThrow(/KEYGATE_TLS_CERT_FILE: cannot read/);
  });

  test("SIGHUP reloads the files for new connections; open connections go on; bad files keep the previous pair", async () => {
    const ca = await TestCa.create();
    const first = await ca.issue("0c01");
    const second = await ca.issue("0c02");
    const dir = await templateDataDir();
    dirs.push(dir);
    const files = await writeCertFiles(dir, first);
    const env = { KEYGATE_DATA_DIR: dir, KEYGATE_LOG_LEVEL: "info", KEYGATE_TLS_CERT_FILE: files.certFile, KEYGATE_TLS_KEY_FILE: files.keyFile };
    const keygate = spawnKeygate(env, [], { optimizeWasm: false });
    let session: http2.ClientHttp2Session | undefined;
    try {
      const port = await keygate.listening();
      expect((await servedSerial(port, ca.certPem)).serial).toBe(first.serial);
      session = http2.connect(`https://localhost:${port}`, { ca: ca.certPem });
      expect(await http2Get(session, "/healthz")).toBe(200);

      await writeCertFiles(dir, second);
      keygate.child.kill("SIGHUP");
      await keygate.waitFor((l) => l.msg === "SIGHUP: TLS certificate and key reloaded for new connections", 30_000);
      expect((await servedSerial(port, ca.certPem)).serial).toBe(second.serial);
      expect(await http2Get(session, "/healthz")).toBe(200);

      await writeFile(files.keyFile, first.keyPem); // the wrong key for the certificate on disk
      keygate.child.kill("SIGHUP");
      await keygate.waitFor((l) => l.msg === "SIGHUP: TLS files not reloaded, the previous ones stay in use", 30_000);
      expect((await servedSerial(port, ca.certPem)).serial).toBe(second.serial);
      expect(await http2Get(session, "/healthz")).toBe(200);
    } finally {
      session?.destroy();
      keygate.child.kill("SIGTERM");
      await keygate.exited;
    }
  }, 120_000);
});
