// Explains a Microsoft error the way the probe runner and the dashboard's "Explain an error" page do:
//   echo '{"status":401,"body":{...},"probe":"token"}' | npm run -s explain -- --json
// Needs no settings, database or network: it reads standard input and prints one finding.
import { ZodError } from "zod";

import { explainError, explainInputProblem, type Explanation } from "@/lib/diagnosis/explain";

const HELP = `Usage: npm run -s explain -- [--json]  < input.json

Reads ONE JSON object from standard input and prints the finding for it: what the error means,
who must act and the fix, with the evidence it was read from.

Input (every field optional):
  status    number|null      the HTTP status of the failed answer
  headers   {name: value}    response headers (x-ms-diagnostics, WWW-Authenticate, X-EWS-Policy-Reason, ...)
  body      string|object    the response body: JSON (a token error, Graph, Exchange, SharePoint) or EWS SOAP XML
  text      string           free text: IIS log lines, a PowerShell error, an error message
  probe     string           where it came from: token, exchange-token, sharepoint-token, or a probe key
                             such as organization, users, mail, exchange, ews, sharepoint-web
  context   object           what you know: clientId, mailbox, initialDomain, onPremisesSyncEnabled,
                             licensed, recipientTypeDetails, isInactiveMailbox, softDeleted, ewsEnabled,
                             ewsAllowedAppIds, rbacAssignments, signInAudience, exchangeAddressedBy, tokenRoles

Output with --json: one JSON object {"id","title","actor","fix","evidence":[...],"known","docs"?:[...]};
"known" is false when nothing was recognised (never reported as an outage). Without --json: the same as text.

Exit status: 0 with a finding; 2 when the input is not one JSON object of the shape above (one line on stderr).

Example:
  echo '{"status":401,"body":{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]},"probe":"token"}' \\
    | npm run -s explain -- --json
`;

function fail(message: string): never {
  process.stderr.write(`explain: ${message}\n`);
  process.exit(2);
}

function asText(e: Explanation): string {
  const actor = e.actor === "partner" ? "You (the app owner)" : e.actor === "customer_admin" ? "The customer's administrator" : "Nobody yet";
  return [
    `${e.known ? "" : "[not recognised] "}${e.title} (${e.id})`,
    ...e.evidence.map((line) => `  - ${line}`),
    `${actor}: ${e.fix}`,
    ...(e.docs ?? []).map((url) => `  see ${url}`),
  ].join("\n");
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(HELP);
  process.exit(0);
}
const unknown = args.filter((a) => a !== "--json");
if (unknown.length) fail(`unknown option ${unknown[0]} (try --help)`);
if (process.stdin.isTTY) fail("reads one JSON object from standard input (try --help)");

// One error report is kilobytes; a megabyte is a wrong file, refused before it is held in memory.
const MAX_INPUT_BYTES = 1024 * 1024;
const chunks: Buffer[] = [];
let size = 0;
for await (const chunk of process.stdin) {
  size += (chunk as Buffer).length;
  if (size > MAX_INPUT_BYTES) fail(`standard input is larger than ${MAX_INPUT_BYTES / 1024} KiB; give one error report`);
  chunks.push(chunk as Buffer);
}
const raw = Buffer.concat(chunks).toString("utf8").trim();
if (!raw) fail("standard input is empty; give one JSON object (try --help)");
let input: unknown;
try {
  input = JSON.parse(raw);
} catch (error) {
  fail(`standard input is not JSON (${(error as Error).message})`);
}
if (typeof input !== "object" || input === null || Array.isArray(input)) fail(`standard input must be one JSON object, not ${Array.isArray(input) ? "an array" : input === null ? "null" : typeof input}`);
try {
  const explanation = explainError(input);
  process.stdout.write(args.includes("--json") ? `${JSON.stringify(explanation)}\n` : `${asText(explanation)}\n`);
} catch (error) {
  if (error instanceof ZodError) fail(explainInputProblem(error));
  throw error;
}
