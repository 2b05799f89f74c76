import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

function toPem(der: ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").trimEnd();
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface TestCertificate {
  keyPem: string;
  certPem: string;
}

/** A self-signed RSA certificate with its PKCS#8 key, like one uploaded to an app registration. */
export async function createSelfSignedCertificate(options: { commonName?: string; notBefore?: Date; notAfter?: Date } = {}): Promise<TestCertificate> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: `CN=${options.commonName ?? "Consentry test"}`,
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 365 * 86_400_000),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { keyPem: toPem(pkcs8, "PRIVATE KEY"), certPem: cert.toString("pem") + "\n" };
}
