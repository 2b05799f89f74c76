import { describe, expect, it } from "vitest";

import { buildScriptlessPageHeaders } from "@/lib/http/security-headers";
import { baselineSecurityHeaders } from "@/scripts/lib/baseline-headers.mjs";

describe("the server's baseline headers", () => {
  it.each([false, true])("are the builder's headers for a page that runs nothing (https: %s)", (https) => {
    expect(baselineSecurityHeaders({ https })).toEqual(buildScriptlessPageHeaders([], { https }));
  });

  it("forbid framing and sniffing and send no referrer", () => {
    const headers = baselineSecurityHeaders({ https: false });
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["content-security-policy"]).toContain("default-src 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("no-referrer");
    expect(headers["strict-transport-security"]).toBeUndefined();
  });
});
