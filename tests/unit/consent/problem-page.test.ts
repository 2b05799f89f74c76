import { describe, expect, it } from "vitest";

import { renderProblemHtml, renderProblemPage } from "@/lib/consent/problem-page";
import { problem } from "@/lib/consent/problems";

describe("problem pages", () => {
  it("escape everything Microsoft echoes back", () => {
    const html = renderProblemHtml(problem("consent_error", [{ label: "Message", value: `<script>alert("x")</script><img src=x onerror=alert(1)>` }]));
    expect(html).not.toMatch(/<script>|<img/);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it("answer with the problem's status, no caching and a CSP that runs no script", async () => {
    const response = renderProblemPage(problem("state_unexpected"));
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await response.text()).toContain("This answer belongs to a different consent");
  });
});
