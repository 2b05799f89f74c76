import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { GET as openapi } from "@/app/api/openapi.json/route";
import { API_OPERATIONS } from "@/lib/api/operations";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { tenantListItemSchema, tenantListQuerySchema } from "@/lib/tenants/tenant-list";
import { ROOT } from "../../support/run-script";

type Doc = { paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema: object }> }> }>>; components: { schemas: Record<string, object> } };

function routeFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(path.join(ROOT, rel)).isDirectory() ? routeFiles(rel) : name === "route.ts" ? [rel] : [];
  });
}

describe("the OpenAPI document", () => {
  const doc = buildOpenApiDocument("https://consentry.example") as unknown as Doc;

  it("is a valid OpenAPI 3.1 document (checked against the specification's own JSON Schema)", async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors ?? []).slice(0, 500)).toEqual([]);
    expect(result.valid).toBe(true);
    // The check itself can fail: a parameter without `in` is refused.
    const broken = structuredClone(doc);
    delete (broken.paths["/api/v1/tenants"]!.get!.parameters[0] as { in?: string }).in;
    expect((await new Validator().validate(broken as never)).valid).toBe(false);
  });

  it("documents every method of every route under /api/v1, and only those", () => {
    const served = routeFiles("app/api/v1").flatMap((file) =>
      [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/^export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/gm)].map((m) => `${m[1]!.toLowerCase()} ${file}`),
    );
    expect(API_OPERATIONS.map((o) => `${o.method} ${o.file}`).sort()).toEqual(served.sort());
    for (const op of API_OPERATIONS) expect(doc.paths[op.path]?.[op.method], `${op.method} ${op.path}`).toBeDefined();
    expect(new Set(API_OPERATIONS.map((o) => o.operationId)).size).toBe(API_OPERATIONS.length);
  });

  it("takes its parameters from the zod schema that validates them", () => {
    const list = doc.paths["/api/v1/tenants"]!.get!;
    expect(list.parameters.map((p) => p.name).sort()).toEqual(Object.keys(tenantListQuerySchema.shape).sort());
    const limit = list.parameters.find((p) => p.name === "limit") as unknown as { schema: object };
    expect(limit.schema).toEqual(expect.objectContaining({ type: "integer", minimum: 1, maximum: 500, default: 50 }));
  });

  it("describes answers the way the handlers' zod schemas do: a real item validates, a wrong one does not", () => {
    const ajv = new Ajv2020({ strict: false });
    const schema = doc.paths["/api/v1/tenants"]!.get!.responses["200"]!.content!["application/json"]!.schema;
    const validate = ajv.compile(schema);
    const item: z.infer<typeof tenantListItemSchema> = {
      id: "3a7c9d2e-5f4b-4a6c-8d8e-2b3c4d5e6f02",
      displayName: "Northwind",
      customerName: null,
      initialDomain: "northwindtraders.onmicrosoft.com",
      defaultDomain: null,
      status: "consented",
      consentedPermissionSetVersion: 2,
      needsReconsent: false,
      consentedAt: null,
      verifiedAt: null,
      lastCheck: null,
      failingProbes: [],
      findings: [],
    };
    expect(validate({ items: [item], nextCursor: null })).toBe(true);
    expect(validate({ items: [{ ...item, status: "happy" }], nextCursor: null })).toBe(false);
  });

  it("is served at /api/openapi.json", async () => {
    const response = await openapi();
    expect(response.status).toBe(200);
    expect((await response.json()).openapi).toBe("3.1.0");
  });
});
