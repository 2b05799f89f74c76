import { describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { AppError, toErrorResponse } from "@/lib/errors";

describe("toErrorResponse", () => {
  it("maps a validation error to 422 with each issue's path", async () => {
    const parsed = z.object({ name: z.string().min(1) }).safeParse({ name: "" });
    const response = toErrorResponse(parsed.error);
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.error.code).toBe("invalid_input");
    expect(body.error.issues[0].path).toBe("name");
  });

  it("maps an AppError to its status and code, keeping its message", async () => {
    const response = toErrorResponse(new AppError("invite_expired", "This invite expired on 1 May.", { status: 410 }));
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ error: { code: "invite_expired", message: "This invite expired on 1 May." } });
  });

  it("maps anything else to a generic 500 that leaks nothing and logs the cause", async () => {
    const log = vi.fn();
    const response = toErrorResponse(new Error("password=hunter2 in a driver message"), log);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("hunter2");
    expect(log).toHaveBeenCalledOnce();
  });

  it("keeps expected and actual on the cause", () => {
    const error = new AppError("tenant_mismatch", "Another tenant answered.", { status: 400, cause: { expected: "a", actual: "b" } });
    expect(error.cause).toEqual({ expected: "a", actual: "b" });
    expect(error.code).toBe("tenant_mismatch");
  });
});
