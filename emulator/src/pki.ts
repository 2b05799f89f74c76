import "reflect-metadata";

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, webcrypto, X509Certificate, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const DAY = 86_400_000;

function pem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function derOf(text: string, label: string): Buffer {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]+?)-----END ${label}-----`).exec(text);
  if (!match) throw new Error(`no ${label} block`);
  return Buffer.from(match[1]!.replace(/\s+/g, ""), "base64");
}

function writeSecret(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(12))).toString("hex").replace(/^[89a-f]/, "1");
}

export interface CertificateAuthority {
  certPath: string;
  certPem: string;
  cert: x509.X509Certificate;
  privateKey: CryptoKey;
}

/** The sandbox CA: generated once into `dir` and reused, so NODE_EXTRA_CA_CERTS stays valid across runs. */
export async function ensureCertificateAuthority(dir: string): Promise<CertificateAuthority> {
  mkdirSync(dir, { recursive: true });
  const certPath = path.join(dir, "ca.pem");
  const keyPath = path.join(dir, "ca-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, "utf8");
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() > Date.now() + 30 * DAY) {
      const privateKey = await webcrypto.subtle.importKey("pkcs8", derOf(readFileSync(keyPath, "utf8"), "PRIVATE KEY"), RSA, false, ["sign"]);
      return { certPath, certPem, cert, privateKey: privateKey as CryptoKey };
    }
  }
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=Consentry Sandbox CA, O=Consentry sandbox cloud",
    notBefore,
    notAfter: new Date(notBefore.getTime() + 3650 * DAY),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writeSecret(keyPath, pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY"));
  const certPem = cert.toString("pem") + "\n";
  writeFileSync(certPath, certPem);
  return { certPath, certPem, cert, privateKey: keys.privateKey };
}

export interface ServerCertificate {
  keyPem: string;
  certPem: string;
}

/** A TLS certificate for 127.0.0.1, ::1 and localhost, signed by the sandbox CA. */
export async function ensureServerCertificate(dir: string, ca: CertificateAuthority): Promise<ServerCertificate> {
  const certPath = path.join(dir, "server.pem");
  const keyPath = path.join(dir, "server-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, "utf8");
    const cert = new x509.X509Certificate(certPem);
    if (cert.issuer === ca.cert.subject && (await cert.verify({ publicKey: ca.cert.publicKey, signatureOnly: true })) && cert.notAfter.getTime() > Date.now() + 7 * DAY) {
      return { keyPem: readFileSync(keyPath, "utf8"), certPem };
    }
  }
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: "CN=127.0.0.1, O=Consentry sandbox cloud",
    issuer: ca.cert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 397 * DAY),
    signingAlgorithm: RSA,
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
        { type: "dns", value: "localhost" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  const keyPem = pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
  writeSecret(keyPath, keyPem);
  const certPem = cert.toString("pem") + "\n" + ca.certPem;
  writeFileSync(certPath, certPem);
  return { keyPem, certPem };
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  /** The JWK published in the JWKS. */
  jwk: Record<string, unknown>;
}

/** The key the emulator signs tokens with, kept in `file` across runs. */
export function ensureSigningKey(file: string): SigningKey {
  let privateKey: KeyObject;
  if (existsSync(file)) {
    privateKey = createPrivateKey(readFileSync(file, "utf8"));
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    writeSecret(file, privateKey.export({ type: "pkcs8", format: "pem" }).toString());
  }
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: "spki", format: "der" });
  const kid = createHash("sha256").update(spki).digest("base64url").slice(0, 27);
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, use: "sig", kty: "RSA", alg: "RS256", x5t: kid };
  return { privateKey, publicKey, kid, jwk };
}

export interface ClientCertificate {
  /** PEM with the private key followed by the certificate, as an app would hold it. */
  bundlePath: string;
  publicKey: KeyObject;
  /** base64url SHA-1 and SHA-256 of the DER certificate, as in `x5t` / `x5t#S256`. */
  x5t: string;
  x5tS256: string;
  thumbprintSha1Hex: string;
  notAfter: Date;
}

/** A self-signed certificate for an app registration, generated once into `file`. */
export async function ensureClientCertificate(file: string, commonName: string): Promise<ClientCertificate> {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const keys = (await webcrypto.subtle.generateKey(RSA, true, ["sign", "verify"])) as CryptoKeyPair;
    const notBefore = new Date(Date.now() - DAY);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${commonName}`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + 365 * DAY),
      keys,
      signingAlgorithm: RSA,
    });
    writeSecret(file, pem(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY") + cert.toString("pem") + "\n");
  }
  const text = readFileSync(file, "utf8");
  const certDer = derOf(text, "CERTIFICATE");
  const cert = new X509Certificate(certDer);
  return {
    bundlePath: file,
    publicKey: cert.publicKey,
    x5t: createHash("sha1").update(certDer).digest("base64url"),
    x5tS256: createHash("sha256").update(certDer).digest("base64url"),
    thumbprintSha1Hex: createHash("sha1").update(certDer).digest("hex").toUpperCase(),
    notAfter: new Date(cert.validTo),
  };
}
