import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";

import { rs256Signature } from "../../../emulator/src/jws";
import { TokenSigner } from "../../../emulator/src/signer";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const valid = (input: string, signature: string) => verify("sha256", Buffer.from(input), publicKey, Buffer.from(signature, "base64url"));

describe("emulator token signer (worker thread)", () => {
  it("signs many inputs at once, each with its own valid signature", async () => {
    let fallbacks = 0;
    const signer = new TokenSigner(privateKey, (input) => (fallbacks++, rs256Signature(input, privateKey)));
    const inputs = Array.from({ length: 40 }, (_, i) => `header.claims-${i}`);
    const signatures = await Promise.all(inputs.map((input) => signer.sign(input)));
    inputs.forEach((input, i) => expect(valid(input, signatures[i]!)).toBe(true));
    expect(signatures[0]).toBe(rs256Signature(inputs[0]!, privateKey)); // PKCS#1 v1.5 is deterministic
    expect(fallbacks).toBe(0);
    await signer.close();
  });

  it("still answers signs in flight when its worker goes away, and starts a new one after", async () => {
    const signer = new TokenSigner(privateKey, (input) => rs256Signature(input, privateKey));
    const pending = Array.from({ length: 20 }, (_, i) => signer.sign(`in-flight-${i}`));
    await signer.close();
    const signatures = await Promise.all(pending);
    signatures.forEach((s, i) => expect(valid(`in-flight-${i}`, s)).toBe(true));
    expect(valid("after", await signer.sign("after"))).toBe(true);
    await signer.close();
  });

  it("answers signs already sent to a worker that exits before replying", async () => {
    let fallbacks = 0;
    const signer = new TokenSigner(privateKey, (input) => (fallbacks++, rs256Signature(input, privateKey)));
    const pending = Array.from({ length: 200 }, (_, i) => signer.sign(`sent-${i}`));
    await new Promise((resolve) => setImmediate(resolve)); // the batch has gone to the worker
    await signer.close(); // terminates the worker with the batch unanswered
    const signatures = await Promise.all(pending);
    signatures.forEach((s, i) => expect(valid(`sent-${i}`, s)).toBe(true));
    expect(fallbacks).toBeGreaterThan(0);
  });
});
