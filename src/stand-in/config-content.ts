import {
  ACCESS_TYPES,
  APP_MODES,
  CONTENT_ROLES,
  RENDERED_APP_MODES,
  type AccessType,
  type AppMode,
  type ContentRole,
  type StandInContent,
  type StandInUser,
} from './config-types.js';
import { isNonEmptyString, isObject, oneOf, type Json, type Problems } from './config-checks.js';
import { parseVariants } from './config-variants.js';

const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Connect's rule for content names: 3 to 64 letters, digits, dashes and underscores. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
/** A bare file name, so Rscript gets a path inside the working copy and never an option. */
const RMD_PATTERN = /^[^/\\-][^/\\]*\.rmd$/i;

const CONTENT_FIELDS = [
  'guid', 'name', 'title', 'description', 'app_mode', 'access_type',
  'source', 'rmd', 'command', 'variants', 'permissions',
];

function parsePermissions(
  raw: unknown,
  path: string,
  users: readonly StandInUser[],
  problems: Problems,
): Record<string, ContentRole> {
  if (raw === undefined) {
    raw = {};
  }
  if (!isObject(raw)) {
    problems.add(path, 'expected an object mapping usernames to owner, editor or viewer');
    return {};
  }
  const entries: Array<[string, ContentRole]> = [];
  for (const [username, role] of Object.entries(raw)) {
    const user = users.find((candidate) => candidate.username === username);
    if (!user) {
      problems.add(`${path}.${username}`, 'unknown username; add the user to users or remove it');
    }
    if (!oneOf(role, CONTENT_ROLES)) {
      problems.add(`${path}.${username}`, `expected one of ${CONTENT_ROLES.join(', ')}`);
      continue;
    }
    // Connect lets only publishers and administrators own or collaborate on content.
    if (user?.role === 'viewer' && role !== 'viewer') {
      problems.add(`${path}.${username}`,
        `a user with the viewer role cannot be ${role}; make them a publisher or a viewer here`);
    }
    entries.push([username, role]);
  }
  const owners = entries.filter(([, role]) => role === 'owner').map(([username]) => username);
  if (owners.length !== 1) {
    const found = owners.length === 0 ? '0' : `${owners.length} (${owners.join(', ')})`;
    problems.add(path, `expected exactly one user with the owner role, found ${found}`);
  }
  // fromEntries defines own properties, so a username such as __proto__ stays a plain key.
  return Object.fromEntries(entries);
}

function parseRenderFields(raw: Json, path: string, appMode: AppMode, problems: Problems): void {
  const rendered = RENDERED_APP_MODES.includes(appMode);
  if (!rendered) {
    for (const field of ['source', 'rmd', 'command', 'variants']) {
      if (raw[field] !== undefined) {
        problems.add(`${path}.${field}`,
          `${appMode} content is not rendered, so it takes no ${field}; remove it`);
      }
    }
    return;
  }
  if (!isNonEmptyString(raw.source)) {
    problems.add(`${path}.source`, 'expected the folder to copy for each render');
  }
  if (raw.rmd !== undefined && raw.command !== undefined) {
    problems.add(path, 'set either rmd or command, not both');
  } else if (raw.rmd === undefined && raw.command === undefined) {
    problems.add(path, `expected rmd or command, because ${appMode} content is rendered`);
  }
  if (raw.rmd !== undefined) {
    if (typeof raw.rmd !== 'string' || !RMD_PATTERN.test(raw.rmd)) {
      problems.add(`${path}.rmd`,
        'expected a file name ending in .Rmd, without folders and not starting with "-"');
    } else if (appMode !== 'rmd-static') {
      problems.add(`${path}.rmd`, `${appMode} content cannot render an .Rmd file; use command`);
    }
  }
  const command = raw.command;
  if (command !== undefined && !(Array.isArray(command) && isNonEmptyString(command[0])
    && command.every((part) => typeof part === 'string' && !part.includes('\0')))) {
    problems.add(`${path}.command`,
      'expected an array of strings without NUL characters: the program, then its arguments');
  }
}

function parseTextFields(raw: Json, path: string, problems: Problems): void {
  if (typeof raw.guid !== 'string' || !GUID_PATTERN.test(raw.guid)) {
    problems.add(`${path}.guid`,
      'expected a lowercase UUID such as 6a3b4c5d-0000-4000-8000-00000000beef');
  }
  if (typeof raw.name !== 'string' || !NAME_PATTERN.test(raw.name)) {
    problems.add(`${path}.name`,
      'expected 3 to 64 letters, digits, dashes and underscores, as Connect requires');
  }
  if (raw.title !== undefined && raw.title !== null && typeof raw.title !== 'string') {
    problems.add(`${path}.title`, 'expected a string or null');
  }
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    problems.add(`${path}.description`, 'expected a string');
  }
  if (raw.access_type !== undefined && !oneOf(raw.access_type, ACCESS_TYPES)) {
    problems.add(`${path}.access_type`, `expected one of ${ACCESS_TYPES.join(', ')}`);
  }
}

/** Validates one entry of `content` into `problems`. Returns null when `app_mode` is invalid. */
export function parseContentItem(
  raw: unknown,
  path: string,
  users: readonly StandInUser[],
  problems: Problems,
): StandInContent | null {
  if (!isObject(raw)) {
    problems.add(path, 'expected an object describing one content item');
    return null;
  }
  problems.rejectUnknownFields(raw, path, CONTENT_FIELDS);
  parseTextFields(raw, path, problems);
  const appModeValid = oneOf(raw.app_mode, APP_MODES);
  if (!appModeValid) {
    problems.add(`${path}.app_mode`, `expected one of ${APP_MODES.join(', ')}`);
  } else {
    parseRenderFields(raw, path, raw.app_mode as AppMode, problems);
  }
  const permissions = parsePermissions(raw.permissions, `${path}.permissions`, users, problems);
  if (!appModeValid) {
    return null;
  }
  const rendered = RENDERED_APP_MODES.includes(raw.app_mode as AppMode);
  const variants = rendered ? parseVariants(raw.variants, `${path}.variants`, problems) : undefined;
  return {
    guid: String(raw.guid),
    name: String(raw.name),
    title: typeof raw.title === 'string' ? raw.title : null,
    description: typeof raw.description === 'string' ? raw.description : '',
    app_mode: raw.app_mode as AppMode,
    access_type: (raw.access_type as AccessType | undefined) ?? 'acl',
    ...(typeof raw.source === 'string' ? { source: raw.source } : {}),
    ...(typeof raw.rmd === 'string' ? { rmd: raw.rmd } : {}),
    ...(Array.isArray(raw.command) ? { command: raw.command.map(String) } : {}),
    ...(variants === undefined ? {} : { variants }),
    permissions,
  };
}
