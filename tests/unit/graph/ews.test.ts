import { describe, expect, it } from "vitest";

import { buildGetFolderRequest, parseEwsResponse } from "@/lib/graph/ews";

describe("parseEwsResponse", () => {
  it.each([
    [
      "a GetFolder success",
      '<s:Envelope><s:Body><m:GetFolderResponse><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>',
      { responseCode: "NoError", message: null },
    ],
    [
      "a SOAP fault whose detail elements carry namespace attributes",
      '<s:Envelope><s:Body><s:Fault><faultcode xmlns:a="x">a:ErrorNonExistentMailbox</faultcode><faultstring xml:lang="en-US">The SMTP address has no mailbox associated with it.</faultstring><detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorNonExistentMailbox</e:ResponseCode><e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">The SMTP address has no mailbox associated with it.</e:Message></detail></s:Fault></s:Body></s:Envelope>',
      { responseCode: "ErrorNonExistentMailbox", message: "The SMTP address has no mailbox associated with it." },
    ],
    ["junk", "not xml at all", { responseCode: null, message: null }],
  ])("reads %s", (_name, xml, expected) => {
    expect(parseEwsResponse(xml)).toEqual(expected);
  });

  it("escapes the mailbox it impersonates", () => {
    expect(buildGetFolderRequest('a<b>"&@contoso.example', "inbox")).toContain("a&lt;b&gt;&quot;&amp;@contoso.example");
  });
});
