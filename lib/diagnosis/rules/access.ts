import { DOCS } from "@/lib/diagnosis/docs";
import { MAILBOX_PROBES, type FailureFacts } from "@/lib/diagnosis/facts";
import { quote, type Rule } from "@/lib/diagnosis/rule";

/**
 * A 403 from Graph (or SharePoint) on a probe whose permission is known. The role missing from the
 * token is a missing grant — unless Exchange's RBAC for Applications grants it for a scope of
 * mailboxes, which Test-ServicePrincipalAuthorization shows. With the role in the token the
 * Entra grant is tenant-wide (RBAC for Applications adds to it, never narrows it), so a denial
 * comes from something else in the tenant: an application access policy, most often.
 * @see https://learn.microsoft.com/exchange/permissions-exo/application-rbac
 * @see https://learn.microsoft.com/powershell/module/exchange/test-serviceprincipalauthorization
 */
/**
 * A refusal: Graph's and SharePoint's 403, or EWS's `ErrorAccessDenied` (a SOAP fault on HTTP 500).
 * EWS's own HTTP 403 is its organization or mailbox switch (X-EWS-Policy-Reason), not a grant.
 */
const denied = (f: FailureFacts) => (f.probe === "ews" ? f.code === "ErrorAccessDenied" : f.status === 403);

export const accessRules: Rule[] = [
  (f) => {
    if (!denied(f) || !f.permission || f.tokenRoles === null || f.tokenRoles.includes(f.permission)) return null;
    const permission = f.permission;
    const rbac = (f.context.rbacAssignments ?? []).filter((a) => a.grantedPermissions.split(/[,\s]+/).includes(permission));
    if (rbac.length > 0 && rbac.every((a) => !a.inScope)) {
      return {
        id: "rbac_scope_excludes_mailbox",
        title: `${permission} comes from RBAC for Applications, whose scope leaves out this mailbox`,
        actor: "customer_admin",
        fix: `The app holds ${permission} through an Exchange management role assignment scoped to ${rbac.map((a) => a.scope ?? "a scope").join(", ")}, and ${f.context.mailbox ?? "this mailbox"} is not in it (Test-ServicePrincipalAuthorization -Identity <app> -Resource <mailbox> shows InScope False). Widen the scope (New-/Set-ManagementScope), or pick a mailbox inside it as the tenant's test mailbox.`,
        docs: [DOCS.applicationRbac, DOCS.testServicePrincipalAuthorization],
        since: "2023-07",
        evidence: [quote("Mailbox", f.context.mailbox), ...rbac.map((a) => `RBAC: ${a.roleName} → ${a.grantedPermissions}, scope ${a.scope ?? "?"}, InScope ${a.inScope ? "True" : "False"}`), "Token roles: " + (f.tokenRoles.join(", ") || "none")],
      };
    }
    return {
      id: "permission_not_granted",
      title: `${permission} is configured but not granted`,
      actor: "customer_admin",
      fix: `The tenant consented before ${permission} was added to the app (or it was removed). Send the tenant's re-consent link to a Global Administrator.`,
      docs: [DOCS.adminConsent],
      reconsent: true,
      evidence: ["Token roles: " + (f.tokenRoles.join(", ") || "none")],
    };
  },
  (f: FailureFacts) => {
    if (!denied(f) || !f.permission || f.tokenRoles === null || !f.tokenRoles.includes(f.permission)) return null;
    const mailbox = f.probe !== null && MAILBOX_PROBES.has(f.probe);
    return {
      id: "role_present_call_denied",
      title: `${f.permission} is in the token but the call was denied`,
      actor: "customer_admin",
      fix: mailbox
        ? "The Entra grant is tenant-wide, and Exchange's RBAC for Applications cannot narrow it, so something else restricts the app: most often an Exchange application access policy (Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <app> shows it). Microsoft recommends replacing access policies with RBAC for Applications — then remove the tenant-wide grant so the scope applies."
        : "Something in the tenant restricts the app beyond its permission (a workload-specific setting or policy). Check the service's admin settings for this app.",
      docs: mailbox ? [DOCS.accessPolicies, DOCS.applicationRbac] : [DOCS.graphErrors],
      evidence: [quote("Mailbox", f.context.mailbox), "Token roles: " + f.tokenRoles.join(", ")],
    };
  },
];
