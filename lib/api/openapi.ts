import { z } from "zod";

import { API_OPERATIONS, problemSchema, type ApiOperation } from "@/lib/api/operations";

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), from zod's own converter. */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

function parametersOf(operation: ApiOperation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [["path", operation.pathParams], ["query", operation.query]] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      const fieldSchema = field as z.ZodType;
      out.push({ name, in: where, required: where === "path" || !fieldSchema.safeParse(undefined).success, schema: jsonSchemaOf(fieldSchema, "input") });
    }
  }
  return out;
}

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers validate
 * with (zod's own JSON Schema converter: no hand-kept copy, no extra dependency).
 * @see https://spec.openapis.org/oas/v3.1.0
 */
export function buildOpenApiDocument(serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(op.responses)) {
      responses[status] = { description: spec.description, ...(spec.schema || spec.contentType ? { content: { [spec.contentType ?? "application/json"]: { schema: spec.schema ? jsonSchemaOf(spec.schema, "output") : { type: "string" } } } } : {}) };
    }
    responses["401"] ??= problem("No valid API key (or session)");
    responses["403"] ??= problem(`The key's role is below ${op.role}`);
    if (op.query || op.body) responses["422"] ??= problem("A parameter or the body did not pass validation; `errors` names each");
    responses["429"] ??= problem("The key's rate limit was reached; see Retry-After");
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      description: `Needs the ${op.role} role or higher.`,
      "x-consentry-role": op.role,
      parameters: parametersOf(op),
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchemaOf(op.body, "input") } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Consentry API",
      version: "1",
      description: "Tenants, their checks and findings, invites and operations of a Consentry installation. Authenticate with `Authorization: Bearer <API key>` (create one with `npm run -s apikey -- create`). Errors are RFC 9457 problem details.",
    },
    servers: [{ url: serverUrl }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: csk_<prefix>_<secret>" } },
      schemas: { Problem: jsonSchemaOf(problemSchema, "output") },
    },
  };
}
