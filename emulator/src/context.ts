import type { SigningKey } from "./pki";
import type { TokenSigner } from "./signer";
import type { EmulatorState } from "./state";

/** What every handler needs: the state, the signing key and the hosts clients were given. */
export interface EmulatorContext {
  state: EmulatorState;
  signing: SigningKey;
  /** Signs with `signing` on a worker thread. */
  signer: TokenSigner;
  /** https origin for msal-node, servers and APIs. */
  authorityHost: string;
  /** http origin for pages a person opens in a browser (consent, sign-in). */
  loginHost: string;
  graphHost: string;
  exchangeHost: string;
}

export const MULTI_TENANT_SEGMENTS = new Set(["common", "organizations"]);
