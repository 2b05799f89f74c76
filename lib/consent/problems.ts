import { AppError, type ErrorDetail, type KnownErrorCode } from "@/lib/errors";

/**
 * Everything that can go wrong between an invite link and a verified tenant, in words
 * for the customer's admin: what happened, and what to do next.
 */
export type ProblemKind = Extract<
  KnownErrorCode,
  | "invite_unknown"
  | "invite_expired"
  | "invite_revoked"
  | "onboarding_closed"
  | "malformed_callback"
  | "no_consent_in_progress"
  | "state_missing"
  | "state_unexpected"
  | "state_expired"
  | "state_reused"
  | "invalid_tenant"
  | "tenant_mismatch"
  | "cancelled"
  | "declined"
  | "admin_required"
  | "consent_error"
  | "not_partner"
  | "sign_in_failed"
  | "consent_sign_in_failed"
  | "sign_in_tenant_mismatch"
  | "verifications_busy"
  | "tenant_unknown_to_cloud"
  | "identity_unavailable"
  | "result_not_here"
>;

/** A problem is an AppError with the page text filled in; its status comes from the one table in lib/errors. */
export type Problem = AppError;

interface ProblemText {
  title: string;
  explanation: string;
  next: string;
}

const TEXT: Record<ProblemKind, ProblemText> = {
  invite_unknown: {
    title: "This invite link is not valid",
    explanation: "The link may be incomplete (check that it was copied whole), or it was replaced by a newer link.",
    next: "Ask your service provider for a new link.",
  },
  invite_expired: {
    title: "This invite link has expired",
    explanation: "Invite links work for a limited time, and this one's time is over.",
    next: "Ask your service provider for a new link.",
  },
  invite_revoked: {
    title: "This invite link was withdrawn",
    explanation: "Your service provider revoked this link, so it can no longer be used.",
    next: "Ask your service provider whether a new link is on its way.",
  },
  onboarding_closed: {
    title: "Connecting without an invite is turned off",
    explanation: "This portal only connects organizations that were invited.",
    next: "Ask your service provider for an invite link.",
  },
  malformed_callback: {
    title: "The answer from Microsoft could not be read",
    explanation: "The address this page was opened with is damaged, too long, or repeats a value.",
    next: "Start again from your invite link.",
  },
  no_consent_in_progress: {
    title: "No consent was started in this browser",
    explanation:
      "We could not find the consent you started. This happens when the invite link was opened in another browser, when cookies are blocked, or when this address was opened directly.",
    next: "Open your invite link again in this browser and start from there.",
  },
  state_missing: {
    title: "The answer from Microsoft is incomplete",
    explanation: "Microsoft's answer did not include the security value that ties it to the consent you started.",
    next: "Start again from your invite link.",
  },
  state_unexpected: {
    title: "This answer belongs to a different consent",
    explanation:
      "The answer does not match the consent started in this browser. If you started several consents at once, only the most recent one can finish; otherwise someone may have sent you a forged link.",
    next: "Start again from your invite link. Nothing was recorded.",
  },
  state_expired: {
    title: "The consent took too long",
    explanation: "More than 15 minutes passed between starting and finishing, so the answer can no longer be trusted.",
    next: "Start again from your invite link; it only takes a minute.",
  },
  state_reused: {
    title: "This consent was already completed",
    explanation: "This answer from Microsoft was already used once. It cannot be used again, for example by reloading the page.",
    next: "Nothing more is needed. To consent again, start from your invite link.",
  },
  invalid_tenant: {
    title: "Microsoft's answer names no valid organization",
    explanation: "The organization in the answer is not a tenant ID.",
    next: "Start again from your invite link.",
  },
  tenant_mismatch: {
    title: "You consented for a different organization",
    explanation: "This invite was made for another organization than the one you signed in with. Nothing was connected.",
    next: "Sign in with an administrator account of the invited organization and start again from your invite link, or ask your service provider for an invite for this organization.",
  },
  cancelled: {
    title: "You cancelled the consent",
    explanation: "Nothing was granted and nothing was connected.",
    next: "When you are ready, open your invite link again and choose Accept.",
  },
  declined: {
    title: "The consent was declined",
    explanation: "Microsoft reports that the permissions were declined, so nothing was granted.",
    next: "If this was a mistake, open your invite link again and choose Accept.",
  },
  admin_required: {
    title: "An administrator needs to approve this",
    explanation:
      "The account you signed in with cannot grant permissions for the whole organization. Only a Global Administrator or a Privileged Role Administrator can.",
    next: "Forward your invite link to one of your administrators and ask them to open it and choose Accept.",
  },
  consent_error: {
    title: "Microsoft could not complete the consent",
    explanation: "Microsoft returned an error instead of a consent.",
    next: "Try again from your invite link. If it keeps happening, send the code and the IDs below to your service provider.",
  },
  not_partner: {
    title: "This dashboard is for partner staff",
    explanation: "You signed in with an account from another organization. Only users of the partner's own tenant can use the dashboard.",
    next: "Sign out and sign in with your work account at the partner, or, if you are a customer, use the invite link you were sent.",
  },
  consent_sign_in_failed: {
    title: "We could not confirm who accepted",
    explanation:
      "Microsoft recorded your consent, but the sign-in that confirms it was made in this browser did not complete. Until it does, nothing is connected.",
    next: "Start again from your invite link and sign in when Microsoft asks. If it keeps failing, send the codes below to your service provider.",
  },
  sign_in_tenant_mismatch: {
    title: "You signed in to a different organization",
    explanation:
      "The consent came back for one organization, but the account you signed in with belongs to another, so the consent cannot be confirmed as yours. Nothing was connected.",
    next: "Start again from your invite link and, when Microsoft asks, choose an account of the organization you are connecting: one of its administrators, or a guest or partner (GDAP) account with an administrator role there.",
  },
  tenant_unknown_to_cloud: {
    title: "Microsoft does not know this organization",
    explanation: "The organization named in the answer does not exist in this Microsoft cloud, so nobody can sign in to it. Nothing was connected.",
    next: "Start again from your invite link. If you reached Microsoft from another cloud (US Government, China), tell your service provider.",
  },
  identity_unavailable: {
    title: "Microsoft's sign-in could not be reached",
    explanation: "To confirm your consent we must ask you to sign in, but Microsoft's sign-in service did not answer. Nothing was connected yet.",
    next: "Try again in a few minutes from your invite link.",
  },
  verifications_busy: {
    title: "This invite is already being confirmed",
    explanation: "Several consents for this invite are being confirmed with Microsoft right now.",
    next: "Wait a minute for them to finish, then open your invite link again if it is still needed.",
  },
  result_not_here: {
    title: "There is no consent result to show here",
    explanation:
      "A consent result is shown only in the browser where the consent was given and confirmed by signing in. This address may belong to another browser, or the result has expired.",
    next: "If you are connecting your organization, open your invite link and start from there. Your service provider sees every result on their dashboard.",
  },
  sign_in_failed: {
    title: "Sign-in could not be completed",
    explanation: "The sign-in answer could not be matched to a sign-in started in this browser, or it was rejected.",
    next: "Start the sign-in again.",
  },
};

export function problem(kind: ProblemKind, details?: ErrorDetail[]): Problem {
  const text = TEXT[kind];
  return new AppError(kind, text.explanation, { title: text.title, next: text.next, details });
}

/** A failure of the portal's own during a consent step (the caller logs it), with the next step of `like`. */
export function internalProblem(explanation: string, like: ProblemKind): Problem {
  return new AppError("internal_error", explanation, { title: "Something went wrong on our side", next: TEXT[like].next });
}

/** Why an invite link cannot be used, for the three ways it can fail to find an open invite. */
export function unusableInviteProblem(kind: "unknown" | "expired" | "revoked"): Problem {
  return problem(kind === "unknown" ? "invite_unknown" : kind === "expired" ? "invite_expired" : "invite_revoked");
}
