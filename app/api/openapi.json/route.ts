import { buildOpenApiDocument } from "@/lib/api/openapi";
import { getConfig } from "@/lib/config";

export const dynamic = "force-dynamic";

// GET /api/openapi.json — the OpenAPI 3.1 document of /api/v1 (public: it holds no data).
export function GET() {
  return Response.json(buildOpenApiDocument(getConfig().publicBaseUrl), { headers: { "cache-control": "public, max-age=300" } });
}
