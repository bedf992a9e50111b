import type { AccessList, ReportConfig } from '../config.js';
import { GatewayHttpError } from '../errors.js';
import { unauthenticated } from './authenticate.js';
import type { Identity } from './identity.js';

/** Action of a request on a report: start a render, read its status or progress, or cancel it. */
export type ReportAction = 'refresh' | 'read' | 'cancel';

/**
 * Checks that the identity may perform the action on the report. A report without a list for
 * refresh or read admits every identity, but one without a cancel list lets nobody cancel.
 * Throws a GatewayHttpError: 401 `unauthenticated` for an anonymous request to a report whose
 * list names someone, 403 `forbidden` for an identity not on the list or a missing cancel list.
 * `credentialsHint` describes the accepted credentials, as Authenticator.credentialsHint does.
 */
export function authorize(
  identity: Identity,
  reportName: string,
  report: ReportConfig,
  action: ReportAction,
  credentialsHint: string,
): void {
  const list = report[action];
  if (list === null && action !== 'cancel') {
    return;
  }
  if (list !== null && isListed(identity, list)) {
    return;
  }
  if (identity.kind === 'anonymous' && list !== null) {
    throw unauthenticated(`Report ${reportName} needs ${credentialsHint} to ${action} it.`);
  }
  if (list === null) {
    throw new GatewayHttpError(
      403,
      'forbidden',
      `Nobody may cancel renders of report ${reportName}, because the gateway's config names ` +
        `no one in reports.${reportName}.cancel; ask the gateway's administrator to add the ` +
        "report's owners there.",
    );
  }
  throw new GatewayHttpError(
    403,
    'forbidden',
    `${identity.label} is not allowed to ${action} report ${reportName}; ask the gateway's ` +
      'administrator for access.',
  );
}

/** True when the identity may cancel the report's renders: its cancel list names the identity. */
export function mayCancel(identity: Identity | null, report: ReportConfig): boolean {
  return identity !== null && report.cancel !== null && isListed(identity, report.cancel);
}

/** True when the identity's user, one of its groups, or its token name is on the list. */
export function isListed(identity: Identity, list: AccessList): boolean {
  if (identity.user !== null && list.users.includes(identity.user)) {
    return true;
  }
  if (identity.token !== null && list.tokens.includes(identity.token)) {
    return true;
  }
  return identity.groups.some((group) => list.groups.includes(group));
}
