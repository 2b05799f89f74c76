/**
 * What never reaches a log line. Two layers: pino's `redact` replaces the values of fields whose
 * names say "secret" (at the top level and two levels down, so `headers.authorization` and
 * `err.cause.client_secret` are caught), and {@link scrubSecrets} masks secrets that are embedded
 * in text (messages, error messages and stacks) by their shape.
 * @see https://getpino.io/#/docs/redaction
 */

/** What a redacted value is replaced with. */
export const REDACTED = "[Redacted]";

/** Field names whose values are secrets wherever they appear. */
export const SECRET_FIELDS = [
  // credentials of the app registration
  "clientSecret",
  "client_secret",
  "secret",
  "clientAssertion",
  "client_assertion",
  "privateKey",
  "privateKeyPem",
  "private_key",
  // passwords
  "password",
  "sessionPassword",
  // HTTP headers that carry credentials
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  // API keys and webhook signing secrets
  "apiKey",
  "api_key",
  "webhookSecret",
  "signingSecret",
  // tokens
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "code_verifier",
  "codeVerifier",
] as const;

function pathTo(field: string, prefix: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(field) ? `${prefix}${prefix ? "." : ""}${field}` : `${prefix}["${field}"]`;
}

/** pino `redact.paths`: every secret field at depth 0, 1 and 2. */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((field) => ["", "*", "*.*"].map((prefix) => pathTo(field, prefix)));

/**
 * Secrets recognisable by shape, for text we did not build field by field (an error's message,
 * a library's warning). Each keeps what says what it was and masks the value.
 */
const SECRET_PATTERNS: [RegExp, string][] = [
  // PEM private keys (the certificate credential)
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
  // JWTs: access tokens, id tokens, client assertions
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, REDACTED],
  // Authorization header values
  [/\b(Bearer|Basic)\s+[\w~+/.=-]{8,}/gi, `$1 ${REDACTED}`],
  // form or query fields of the token endpoint and sign-in
  [/\b(client_secret|client_assertion|access_token|refresh_token|id_token|code_verifier|password)=[^&\s"']+/gi, `$1=${REDACTED}`],
  // Consentry's API keys (csk_<prefix>_<secret>) keep their prefix, which is not secret
  [/\b(csk_[\w-]{8})_[\w-]{20,}/g, `$1_${REDACTED}`],
  // Standard Webhooks signing secrets
  [/\bwhsec_[A-Za-z0-9+/=]{16,}/g, `whsec_${REDACTED}`],
  // Entra ID client secret values: 40 characters with "Q~" at positions 4-5
  [/(?<![\w~.-])[\w.-]{3}\dQ~[\w~.-]{31,37}(?![\w~.-])/g, REDACTED],
];

/** Masks every secret {@link SECRET_PATTERNS} recognises in a text. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * The same for every string inside a value (a log line's fields, an error serialized for one), to a
 * bounded depth. Only plain objects and arrays are entered: an Error is left to the logger's error
 * serializer, which scrubs what it makes.
 */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // an Error, a Date, a Buffer: serialized as they are
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubValue(item, depth + 1);
  return out;
}
