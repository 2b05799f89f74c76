import { generateKeyPairSync } from "node:crypto";
import { compactVerify, decodeProtectedHeader, SignJWT } from "jose";
import { describe, expect, it } from "vitest";

import { encodeHeader, peekClaims, rs256Signature, signingInput, verifyRs256, type JwtClaims } from "../../../emulator/src/jws";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const header = encodeHeader({ typ: "JWT", alg: "RS256", kid: "k1" });

/** A compact JWS as the emulator builds one: signing input, a dot, its signature. */
function signRs256(encodedHeader: string, claims: JwtClaims, key: typeof privateKey): string {
  const input = signingInput(encodedHeader, claims);
  return `${input}.${rs256Signature(input, key)}`;
}

describe("emulator JWS (RS256)", () => {
  it("signs tokens an independent implementation accepts", async () => {
    const token = signRs256(header, { tid: "t", roles: ["Mail.Read"] }, privateKey);
    const { payload } = await compactVerify(token, publicKey, { algorithms: ["RS256"] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual({ tid: "t", roles: ["Mail.Read"] });
    expect(decodeProtectedHeader(token)).toEqual({ typ: "JWT", alg: "RS256", kid: "k1" });
  });

  it("accepts tokens an independent implementation signed", async () => {
    const token = await new SignJWT({ tid: "t" }).setProtectedHeader({ alg: "RS256" }).sign(privateKey);
    expect(verifyRs256(token, publicKey)).toMatchObject({ ok: true, claims: { tid: "t" } });
  });

  it.each([
    ["another key's signature", () => signRs256(header, { tid: "t" }, other.privateKey), "signature"],
    ["altered claims", () => {
      const [h, , s] = signRs256(header, { tid: "t" }, privateKey).split(".");
      return `${h}.${Buffer.from(JSON.stringify({ tid: "attacker" })).toString("base64url")}.${s}`;
    }, "signature"],
    ["alg none", () => `${encodeHeader({ alg: "none" })}.${Buffer.from("{}").toString("base64url")}.`, "malformed"],
    ["an HS256 header", () => {
      const [, p, s] = signRs256(header, { tid: "t" }, privateKey).split(".");
      return `${encodeHeader({ alg: "HS256" })}.${p}.${s}`;
    }, "signature"],
    ["two parts", () => "a.b", "malformed"],
    ["a payload that is not JSON", () => `${header}.${Buffer.from("not json").toString("base64url")}.c2ln`, "malformed"],
    ["a JSON array payload", () => `${header}.${Buffer.from("[1]").toString("base64url")}.c2ln`, "malformed"],
  ])("refuses %s", (_name, make, reason) => {
    expect(verifyRs256(make(), publicKey)).toEqual({ ok: false, reason });
  });

  it("peeks at claims without trusting them, and returns null for garbage", () => {
    expect(peekClaims(signRs256(header, { tid: "x" }, other.privateKey))).toEqual({ tid: "x" });
    expect(peekClaims("nonsense")).toBeNull();
    expect(peekClaims("a.!!!.c")).toBeNull();
  });
});
