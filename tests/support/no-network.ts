// Unit tests never touch the network: every TCP connect fails loudly (Unix sockets are left alone).
import { guardConnections } from "./network-guard";

guardConnections((target) =>
  target.path === undefined ? `Network is disabled in unit tests (tried ${target.host ?? "?"}:${target.port ?? "?"}). Move this test to tests/integration.` : null,
);
