import "server-only";

import { createHash, createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

/** The app's credential for client-credentials tokens: a secret, or a certificate read from a PEM file. */
export type ClientCredential =
  | { kind: "secret"; secret: string }
  | {
      kind: "certificate";
      path: string;
      privateKey: KeyObject;
      privateKeyPem: string;
      certificatePem: string;
      /** Hex SHA-1 of the DER certificate (legacy `x5t`). */
      thumbprintSha1: string;
      /** Hex SHA-256 of the DER certificate (`x5t#S256`). */
      thumbprintSha256: string;
      notAfter: Date;
    };

/** Reads a PEM bundle holding a private key and its certificate and computes both thumbprints. */
export function loadCertificate(filePath: string): ClientCredential | string {
  let pem: string;
  try {
    pem = readFileSync(filePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? `names a file that does not exist: ${filePath}.` : `cannot be read (${code ?? "error"}): ${filePath}.`;
  }
  const keyMatch = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.exec(pem);
  const certMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
  if (!keyMatch && !certMatch) return "names a file that is not PEM (expected a private key and a certificate, each between -----BEGIN/END----- lines).";
  if (!keyMatch) return "names a PEM file without a private key (put the key and the certificate in one file).";
  if (!certMatch) return "names a PEM file without a certificate (put the key and the certificate in one file).";
  if (keyMatch[0].includes("ENCRYPTED")) return "names a PEM file whose private key is encrypted; export it without a passphrase.";
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey(keyMatch[0]);
  } catch {
    return "holds a private key that cannot be parsed.";
  }
  try {
    certificate = new X509Certificate(certMatch[0]);
  } catch {
    return "holds a certificate that cannot be parsed.";
  }
  if (privateKey.asymmetricKeyType !== "rsa") return "must hold an RSA key (Entra ID client assertions are signed RS256 or PS256).";
  if (!certificate.checkPrivateKey(privateKey)) return "holds a private key that does not belong to its certificate.";
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() < Date.now()) return `holds a certificate that expired on ${notAfter.toISOString().slice(0, 10)}; upload a new one to the app registration.`;
  const der = certificate.raw;
  return {
    kind: "certificate",
    path: filePath,
    privateKey,
    privateKeyPem: keyMatch[0],
    certificatePem: certMatch[0],
    thumbprintSha1: createHash("sha1").update(der).digest("hex").toUpperCase(),
    thumbprintSha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
    notAfter,
  };
}
