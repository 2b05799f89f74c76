import { describe, expect, it } from "vitest";

import { LATEST_VERSION } from "@/lib/db/migrate";
import { checkLiveness } from "@/lib/health/liveness";
import { configurePortalEnv } from "../../support/portal-env";

// Unit tests refuse every TCP connect: liveness answering here proves it touches no database.
describe("checkLiveness", () => {
  it("answers from the settings alone while the database is out of reach", () => {
    configurePortalEnv({ DATABASE_URL: "postgres://consentry:pw@127.0.0.1:1/consentry" });
    expect(checkLiveness()).toEqual({ status: "ok", cloud: "sandbox", database: { engine: "postgres", schemaVersion: LATEST_VERSION } });
  });
});
