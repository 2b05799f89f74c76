import { describe, expect, it, vi } from "vitest";

import { renderErrorPage, renderProblemHtml, renderProblemPage } from "@/lib/consent/problem-page";
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

  it("show a problem's title, explanation and next step, keyed by its code", () => {
    const html = renderProblemHtml(problem("sign_in_tenant_mismatch"));
    expect(html).toContain('data-problem="sign_in_tenant_mismatch"');
    expect(html).toContain("<h1>You signed in to a different organization</h1>");
    expect(html).toContain("The consent came back for one organization");
    expect(html).toContain('<p class="next">Start again from your invite link');
  });

  it("answer an unexpected error from a route handler with a generic 500 page that leaks nothing", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = renderErrorPage(new Error("password=hunter2"));
    spy.mockRestore();
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).toContain("Something went wrong on our side");
    expect(text).not.toContain("hunter2");
  });
});
