import { describe, expect, it } from "vitest";

import { GUID, guidIn, guidSchema } from "../../../emulator/src/guid";

const APP_ID = "5e0c1d2a-7b3f-4c59-9a8e-0d6f2b4c8a17";

describe("emulator GUID helper", () => {
  it.each([
    ["a lower-case GUID", APP_ID, true],
    ["an upper-case GUID", APP_ID.toUpperCase(), true],
    ["36 hex digits and dashes out of place", "5e0c1d2a7b3f-4c59-9a8e-0d6f2b4c8a-17", false],
    ["36 dashes", "-".repeat(36), false],
    ["a GUID with text around it", `x${APP_ID}`, false],
    ["a non-hex digit", APP_ID.replace("5e", "5g"), false],
  ])("GUID tells %s", (_name, text, expected) => {
    expect(GUID.test(text)).toBe(expected);
  });

  it.each([
    ["Graph's alternate key", "servicePrincipals(appId='{guid}')", `servicePrincipals(appId='${APP_ID}')`, APP_ID],
    ["a $filter, keeping the case it was given", "appId eq '{guid}'", `APPID EQ '${APP_ID.toUpperCase()}'`, APP_ID.toUpperCase()],
    ["a loose 36-character id", "appId eq '{guid}'", `appId eq '${"-".repeat(36)}'`, null],
    ["text beyond the template", "servicePrincipals(appId='{guid}')", `servicePrincipals(appId='${APP_ID}')/owners`, null],
    ["template characters read literally (the dot is not a wildcard)", "a.{guid}", `ab${APP_ID}`, null],
  ])("guidIn reads %s", (_name, template, text, expected) => {
    expect(guidIn(template, text)).toBe(expected);
  });

  it("guidSchema keeps a GUID in lower case and refuses anything else by name", () => {
    expect(guidSchema.parse(APP_ID.toUpperCase())).toBe(APP_ID);
    const refused = guidSchema.safeParse("not-a-guid");
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toBe("must be a GUID");
  });
});
