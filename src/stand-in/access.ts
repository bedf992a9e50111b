import type { ContentRecord, UserRecord } from './catalog.js';
import type { ContentRole } from './config-types.js';

/** Connect's `app_role`: the caller's relation to a content item. */
export type AppRole = ContentRole | 'none';

/**
 * Returns the user's permission on the content, or undefined. Only own keys count, so a
 * username such as `constructor` never matches a property inherited from Object.
 */
export function permissionOf(content: ContentRecord, username: string): ContentRole | undefined {
  const permissions = content.settings.permissions;
  return Object.hasOwn(permissions, username) ? permissions[username] : undefined;
}

/**
 * Returns the caller's `app_role` on the content, or null when the caller may not see it.
 *
 * This follows Connect's definition of `app_role`. A permission gives its own role. Users
 * who may view the content through its access type (`all`, `logged_in`) are viewers.
 * Administrators who may not view it still see its settings, with the role `none`.
 */
export function appRoleOf(user: UserRecord, content: ContentRecord): AppRole | null {
  const permission = permissionOf(content, user.username);
  if (permission) {
    return permission;
  }
  if (content.settings.access_type !== 'acl') {
    return 'viewer';
  }
  return user.role === 'administrator' ? 'none' : null;
}

/**
 * Tells whether the caller may render the content and list its jobs: owners, collaborators
 * (`editor`) and administrators.
 */
export function canManage(user: UserRecord, appRole: AppRole): boolean {
  // NOTE: Connect does not document whether an administrator who is not a collaborator may
  // render; the stand-in allows it, as Connect does for listing jobs.
  return appRole === 'owner' || appRole === 'editor' || user.role === 'administrator';
}

/**
 * Tells whether a visitor may read the rendered output. `user` is undefined for a request
 * without a valid API key.
 */
export function canViewOutput(user: UserRecord | undefined, content: ContentRecord): boolean {
  switch (content.settings.access_type) {
    case 'all':
      return true;
    case 'logged_in':
      return user !== undefined;
    case 'acl':
      return user !== undefined && permissionOf(content, user.username) !== undefined;
  }
}
