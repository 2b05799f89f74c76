import { createHash } from "node:crypto";
import { compactVerify, decodeProtectedHeader, decodeJwt } from "jose";

import type { EmulatorContext } from "./context";
import type { AppState } from "./state";

export type ClientAuth = { ok: true; credential: "secret" | "certificate" } | { ok: false; status: number; error: string; code: number; message: string };

/**
 * Checks a client secret or a certificate-signed client assertion as Entra ID does.
 * @see https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export async function authenticateClient(ctx: EmulatorContext, app: AppState, form: URLSearchParams, basic: { id: string; secret: string } | null, tokenUrls: string[]): Promise<ClientAuth> {
  const clientId = app.scenario.clientId;
  const secret = form.get("client_secret") ?? basic?.secret ?? null;
  const assertion = form.get("client_assertion");
  if (secret !== null) {
    const match = app.secrets.find((s) => s.value === secret);
    if (!match) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 7000215,
        message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      };
    }
    if (match.expired) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 7000222,
        message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      };
    }
    return { ok: true, credential: "secret" };
  }
  if (assertion !== null) {
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return { ok: false, status: 400, error: "invalid_request", code: 7000219, message: "'client_assertion' or 'client_secret' is required for the 'client_credentials' grant type; client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer." };
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return { ok: false, status: 401, error: "invalid_client", code: 50027, message: "JWT token is invalid or malformed." };
    }
    const s256 = header["x5t#S256"] as string | undefined;
    const cert = app.certificates.find((c) => (s256 ? c.x5tS256 === s256 : c.x5t === header.x5t));
    const presented = s256 ?? (typeof header.x5t === "string" ? header.x5t : "none");
    if (!cert) {
      return {
        ok: false,
        status: 401,
        error: "invalid_client",
        code: 700027,
        message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
      };
    }
    try {
      await compactVerify(assertion, cert.publicKey, { algorithms: [s256 ? "PS256" : "RS256", "RS256", "PS256"] });
    } catch {
      return { ok: false, status: 401, error: "invalid_client", code: 700027, message: "Client assertion failed signature validation." };
    }
    if (claims.iss !== clientId || claims.sub !== clientId) {
      return { ok: false, status: 401, error: "invalid_client", code: 700021, message: "Client assertion application identifier doesn't match 'client_id' parameter." };
    }
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === "string" && tokenUrls.includes(a.toLowerCase()))) {
      return { ok: false, status: 401, error: "invalid_client", code: 700212, message: `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'; the audience must be the token endpoint.` };
    }
    const now = Math.floor(ctx.state.clock() / 1000);
    if (typeof claims.exp !== "number" || claims.exp < now - 300 || (typeof claims.nbf === "number" && claims.nbf > now + 300)) {
      return { ok: false, status: 401, error: "invalid_client", code: 700024, message: "Client assertion is not within its valid time range." };
    }
    if (typeof claims.jti !== "string" || claims.jti.length === 0) {
      return { ok: false, status: 401, error: "invalid_client", code: 700023, message: "Client assertion is missing the 'jti' claim." };
    }
    // msal-node sends the same assertion again until it expires, and Entra ID accepts that;
    // what is refused is a different assertion carrying a jti already seen.
    for (const [jti, seen] of ctx.state.usedAssertionIds) if (seen.expiry < now - 600) ctx.state.usedAssertionIds.delete(jti);
    const key = `${clientId}:${claims.jti}`;
    const fingerprint = createHash("sha256").update(assertion).digest("base64url");
    const seen = ctx.state.usedAssertionIds.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      return { ok: false, status: 401, error: "invalid_client", code: 700025, message: "Client assertion contains a 'jti' that was already used by another assertion." };
    }
    ctx.state.usedAssertionIds.set(key, { expiry: claims.exp, fingerprint });
    return { ok: true, credential: "certificate" };
  }
  return { ok: false, status: 401, error: "invalid_client", code: 7000218, message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'." };
}

/** The client id and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1), or null. */
export function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}
