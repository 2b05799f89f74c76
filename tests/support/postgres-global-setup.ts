import type { TestProject } from "vitest/node";

import { startPostgres } from "./postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string;
    postgresVersion: string;
  }
}

// One real PostgreSQL server for the integration run; each test file makes its own databases on it.
export default async function setup(project: TestProject) {
  const server = await startPostgres();
  project.provide("postgresUrl", server.url);
  project.provide("postgresVersion", server.version);
  return async () => {
    await server.stop();
  };
}
