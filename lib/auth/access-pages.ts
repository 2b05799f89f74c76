import "server-only";

import { APP_ROLE_VALUES, describeRole, PARTNER_ROLES, ROLE_DESCRIPTIONS, ROLE_LABELS, type PartnerRole } from "@/lib/auth/roles";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";

/**
 * Pages that refuse partner staff something, written for the person refused: what
 * they lack, whom to ask, and how that person grants it. Route handlers answer them as
 * self-contained HTML (lib/consent/problem-page) because only a route handler can give a
 * page the status it deserves (403).
 */

/** The click path an Entra admin follows to give a user an app role. */
export function roleAssignmentSteps(): string {
  const config = getConfig();
  return `Microsoft Entra admin center → Enterprise applications → ${config.appDisplayName} (application ID ${config.clientId}) → Users and groups → Add user/group → select the user (or a group) → Select a role → Assign`;
}

function rolesList(): { label: string; value: string }[] {
  return PARTNER_ROLES.map((role) => ({ label: APP_ROLE_VALUES[role], value: `${ROLE_LABELS[role]}: ${ROLE_DESCRIPTIONS[role]}` }));
}

/** A user of the partner tenant whose token carries none of the app's roles. */
export function noRolePage(username: string): AppError {
  const explanation = `You signed in as ${username}, a user of ${getConfig().partnerDisplayName}, but your account has not been given any of Consentry's app roles, so the dashboard cannot tell what you may do.`;
  return new AppError("no_partner_role", explanation, {
    title: "Ask for a Consentry role first",
    next: `Ask an administrator of your Microsoft Entra tenant for ${describeRole("reader")} to look around, ${APP_ROLE_VALUES.operator} to run probes and send invites, or ${APP_ROLE_VALUES.admin} to manage settings. Once it is assigned, sign in again.`,
    details: [...rolesList(), { label: "How an admin assigns it", value: roleAssignmentSteps() }, { label: "Signed in as", value: username }],
  });
}

/** A signed-in partner whose role is below what a page needs. */
export function forbiddenPage(partner: { username: string; role: PartnerRole }, needed: PartnerRole, path: string): AppError {
  return new AppError("role_too_low", `${path} needs ${describeRole(needed)} or higher. You are signed in as ${partner.username} with the ${ROLE_LABELS[partner.role]} role.`, {
    title: `This page needs the ${ROLE_LABELS[needed]} role`,
    next: `If your work needs it, ask an administrator of your Microsoft Entra tenant to assign you ${APP_ROLE_VALUES[needed]}, then sign out and sign in again.`,
    details: [
      { label: "Role needed", value: `${ROLE_LABELS[needed]} (${APP_ROLE_VALUES[needed]})` },
      { label: "Your role", value: `${ROLE_LABELS[partner.role]} (${APP_ROLE_VALUES[partner.role]})` },
      { label: "How an admin assigns it", value: roleAssignmentSteps() },
    ],
  });
}

/** The answer to a link to the 403 page that names no known role. */
export function malformedForbiddenLinkPage(): AppError {
  return new AppError("malformed_link", "The page was opened with an address that does not name a Consentry role.", { title: "This address is incomplete", next: "Go back to the dashboard." });
}

/** A sign-out POST that did not come from the portal's own pages (cross-site request forgery, or a stripped Origin). */
export function signOutRefusedPage(): AppError {
  return new AppError("sign_out_refused", "This request to sign out did not come from the portal's own pages, so it was ignored. If you were signed in, you still are.", { title: "Sign-out refused", next: "To sign out, use the Sign out button at the top of the dashboard." });
}
