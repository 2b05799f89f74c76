import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { actionErrorMessage, AppError, ERROR_STATUS, toAppError, toProblemResponse } from "@/lib/errors";

describe("AppError", () => {
  it("takes its status from the one table", () => {
    expect(new AppError("invite_expired", "Expired.").status).toBe(410);
    expect(new AppError("tenant_not_found", "No such tenant.").status).toBe(404);
    expect(new AppError("body_too_large", "Too big.").status).toBe(413);
  });

  it("answers 502 for an identity-platform error number", () => {
    expect(new AppError("aadsts_700016", "Application not found.").status).toBe(502);
  });

  it("keeps expected and actual on the cause", () => {
    const error = new AppError("tenant_mismatch", "Another tenant answered.", { cause: { expected: "a", actual: "b" } });
    expect(error.cause).toEqual({ expected: "a", actual: "b" });
    expect(error.code).toBe("tenant_mismatch");
  });

  it("titles itself by its status unless a page title is given", () => {
    expect(new AppError("forbidden", "No.").title).toBe("Forbidden");
    expect(new AppError("forbidden", "No.", { title: "This page needs the Admin role" }).title).toBe("This page needs the Admin role");
  });

  it("has a status for every code in the table", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(new AppError(code as keyof typeof ERROR_STATUS, "x").status).toBe(status);
  });
});

describe("toProblemResponse", () => {
  it("maps a validation error to 422 problem details naming each field", async () => {
    const parsed = z.object({ name: z.string().min(1) }).safeParse({ name: "" });
    const response = toProblemResponse(parsed.error, "/api/v1/things");
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = await response.json();
    expect(body).toMatchObject({ type: "urn:consentry:problem:invalid_input", code: "invalid_input", status: 422, instance: "/api/v1/things" });
    expect(body.errors[0].path).toBe("name");
  });

  it("maps an AppError to its status and code, keeping its message as the detail", async () => {
    const response = toProblemResponse(new AppError("invite_expired", "This invite expired on 1 May."));
    expect(response.status).toBe(410);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ type: "urn:consentry:problem:invite_expired", title: "Gone", status: 410, detail: "This invite expired on 1 May.", code: "invite_expired" });
  });

  it("sends Retry-After when the cause carries one", () => {
    const response = toProblemResponse(new AppError("rate_limited", "Slow down.", { cause: { retryAfter: 7 } }));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
  });

  it("maps anything else to a generic 500 that leaks nothing and logs the cause", async () => {
    const log = vi.fn();
    const response = toProblemResponse(new Error("password=hunter2 in a driver message"), undefined, log);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ code: "internal_error" });
    expect(log).toHaveBeenCalledOnce();
  });

  it("logs a 5xx AppError but not a 4xx one", () => {
    const log = vi.fn();
    toProblemResponse(new AppError("tenant_not_found", "No such tenant."), undefined, log);
    expect(log).not.toHaveBeenCalled();
    toProblemResponse(new AppError("database_unavailable", "Down."), undefined, log);
    expect(log).toHaveBeenCalledOnce();
  });
});

describe("toAppError and actionErrorMessage", () => {
  it("passes an AppError through unchanged", () => {
    const error = new AppError("nothing_to_do", "Nothing needs re-consent.");
    expect(toAppError(error, vi.fn())).toBe(error);
  });

  it("tells a form the AppError's message, and the fallback for anything unexpected", () => {
    expect(actionErrorMessage(new AppError("nothing_to_do", "Nothing needs re-consent."), "Failed.", vi.fn())).toBe("Nothing needs re-consent.");
    const log = vi.fn();
    expect(actionErrorMessage(new Error("ECONNRESET at 10.0.0.4"), "The campaign could not be started.", log)).toBe("The campaign could not be started.");
    expect(log).toHaveBeenCalledOnce();
  });
});
