// Integration tests may reach servers the harness started on this machine, and nothing else.
import { guardConnections, isLoopbackHost } from "./network-guard";

guardConnections((target) =>
  target.path === undefined && !isLoopbackHost(target.host)
    ? `Integration tests may only connect to loopback; refused ${target.host}:${target.port ?? "?"}.`
    : null,
);
