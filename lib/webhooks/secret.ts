import "server-only";

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

import { AppError } from "@/lib/errors";

/**
 * Webhook signing secrets: `whsec_<base64 of 32 random bytes>` as Standard Webhooks libraries
 * expect. Shown once at creation; stored encrypted (AES-256-GCM) with a key derived by HKDF from
 * SESSION_PASSWORD, so the worker can sign again later while the database never holds them in
 * clear. Changing SESSION_PASSWORD makes existing secrets unreadable: recreate the endpoints then.
 */

const VERSION = "v1";
const INFO = "consentry webhook signing secrets v1";

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

function keyFrom(password: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(password, "utf8"), Buffer.from("consentry-webhooks", "utf8"), Buffer.from(INFO, "utf8"), 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, each base64url. */
export function encryptWebhookSecret(secret: string, password: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFrom(password), iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decryptWebhookSecret(stored: string, password: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new AppError("webhook_secret_unreadable", "The stored webhook secret has an unknown format.");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFrom(password), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new AppError("webhook_secret_unreadable", "The webhook's signing secret cannot be decrypted: SESSION_PASSWORD changed since it was created. Delete the endpoint and create it again.", { cause: error });
  }
}
