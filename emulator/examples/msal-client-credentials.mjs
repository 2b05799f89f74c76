// Proves the sandbox cloud against msal-node alone (no Consentry code): client
// credentials with a secret and with a certificate, and the errors for an unconsented
// tenant, a wrong secret and an unknown tenant.
//
//   npm run emulator -- --port 0 > ready.json &
//   NODE_EXTRA_CA_CERTS=<caCertPath> node emulator/examples/msal-client-credentials.mjs "$(head -1 ready.json)"
//
// Prints one JSON object per check.
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";

const ready = JSON.parse(process.argv[2] ?? "");
const app = JSON.parse(readFileSync(ready.credentialsPath, "utf8")).apps[0];
const host = new URL(ready.authorityHost).host;
const CONSENTED = process.env.CONSENTED_TENANT ?? "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02";
const UNCONSENTED = process.env.UNCONSENTED_TENANT ?? "2f6b8c1d-4e3a-4f5b-9c7d-1a2b3c4d5e01";
const GRAPH = ["https://graph.microsoft.com/.default"];

function client(credentials) {
  return new ConfidentialClientApplication({ auth: { clientId: app.clientId, authority: `${ready.authorityHost}/organizations`, knownAuthorities: [host], ...credentials } });
}
const withSecret = (secret) => client({ clientSecret: secret });
const withCertificate = () =>
  client({ clientCertificate: { thumbprintSha256: app.certificates[0].thumbprintSha256, privateKey: readFileSync(app.certificates[0].path, "utf8") } });

function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

async function check(name, cca, tenant) {
  try {
    const result = await cca.acquireTokenByClientCredential({ scopes: GRAPH, authority: `${ready.authorityHost}/${tenant}`, skipCache: true });
    const claims = claimsOf(result.accessToken);
    const organization = await fetch(`${ready.graphHost}/v1.0/organization`, { headers: { authorization: `Bearer ${result.accessToken}` } });
    const body = await organization.json();
    console.log(JSON.stringify({ check: name, ok: true, claims, organization: { status: organization.status, displayName: body.value?.[0]?.displayName } }));
  } catch (error) {
    const aadsts = /AADSTS(\d+)/.exec(error.errorMessage ?? error.message ?? "")?.[1] ?? null;
    console.log(JSON.stringify({ check: name, ok: false, errorCode: error.errorCode, aadsts: aadsts ? Number(aadsts) : null }));
  }
}

await check("secret", withSecret(app.secrets.find((s) => !s.expired).value), CONSENTED);
await check("certificate", withCertificate(), CONSENTED);
await check("unconsented", withSecret(app.secrets.find((s) => !s.expired).value), UNCONSENTED);
await check("wrong-secret", withSecret("this-is-not-the-secret-value"), CONSENTED);
await check("unknown-tenant", withSecret(app.secrets.find((s) => !s.expired).value), "nosuchtenant.onmicrosoft.com");
