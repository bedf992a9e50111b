import { parseContentItem } from './config-content.js';
import { isNonEmptyString, isObject, oneOf, Problems } from './config-checks.js';
import {
  StandInConfigError,
  USER_ROLES,
  type StandInConfig,
  type StandInContent,
  type StandInUser,
  type UserRole,
} from './config-types.js';

const CONFIG_FIELDS = ['users', 'content'];
const USER_FIELDS = ['username', 'api_key', 'role'];

function parseUser(raw: unknown, path: string, problems: Problems): StandInUser | null {
  if (!isObject(raw)) {
    problems.add(path, 'expected an object with username, api_key and role');
    return null;
  }
  problems.rejectUnknownFields(raw, path, USER_FIELDS);
  const { username, api_key: apiKey, role } = raw;
  if (!isNonEmptyString(username) || /\s/.test(username)) {
    problems.add(`${path}.username`, 'expected a non-empty string without spaces');
  }
  // The key itself never appears in a message.
  if (!isNonEmptyString(apiKey) || /\s/.test(apiKey)) {
    problems.add(`${path}.api_key`, 'expected a non-empty string without spaces');
  }
  if (!oneOf(role, USER_ROLES)) {
    problems.add(`${path}.role`, `expected one of ${USER_ROLES.join(', ')}`);
  }
  // A user with other problems still counts as known, so that permissions naming it do not
  // add a second, misleading problem. The config is rejected anyway.
  if (typeof username !== 'string') {
    return null;
  }
  return { username, api_key: typeof apiKey === 'string' ? apiKey : '', role: role as UserRole };
}

function parseUsers(raw: unknown, problems: Problems): StandInUser[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add('users', 'expected a non-empty array of users');
    return [];
  }
  const users: StandInUser[] = [];
  const firstByName = new Map<string, number>();
  const firstByKey = new Map<string, number>();
  raw.forEach((entry, index) => {
    const user = parseUser(entry, `users[${index}]`, problems);
    if (!user) {
      return;
    }
    const sameName = firstByName.get(user.username);
    if (sameName !== undefined) {
      problems.add(`users[${index}].username`,
        `duplicate of users[${sameName}].username; usernames must be unique`);
    }
    const sameKey = firstByKey.get(user.api_key);
    if (sameKey !== undefined && user.api_key !== '') {
      problems.add(`users[${index}].api_key`,
        `same key as users[${sameKey}]; give every user a key of their own`);
    }
    firstByName.set(user.username, firstByName.get(user.username) ?? index);
    firstByKey.set(user.api_key, firstByKey.get(user.api_key) ?? index);
    users.push(user);
  });
  return users;
}

function parseContent(raw: unknown, users: readonly StandInUser[], problems: Problems) {
  if (!Array.isArray(raw)) {
    problems.add('content', 'expected an array of content items');
    return [];
  }
  const items: StandInContent[] = [];
  const firstByGuid = new Map<string, number>();
  raw.forEach((entry, index) => {
    const item = parseContentItem(entry, `content[${index}]`, users, problems);
    if (!item) {
      return;
    }
    const sameGuid = firstByGuid.get(item.guid);
    if (sameGuid !== undefined) {
      problems.add(`content[${index}].guid`,
        `duplicate of content[${sameGuid}].guid; guids must be unique`);
    } else {
      firstByGuid.set(item.guid, index);
    }
    items.push(item);
  });
  return items;
}

/**
 * Validates a parsed config file and fills in defaults: `title` null, `description` empty,
 * `access_type` "acl", `permissions` empty. Throws StandInConfigError listing every problem.
 */
export function parseStandInConfig(json: unknown): StandInConfig {
  const problems = new Problems();
  if (!isObject(json)) {
    throw new StandInConfigError(['config: expected a JSON object with users and content']);
  }
  problems.rejectUnknownFields(json, '', CONFIG_FIELDS);
  const users = parseUsers(json.users, problems);
  const content = parseContent(json.content, users, problems);
  if (problems.list.length > 0) {
    throw new StandInConfigError(problems.list);
  }
  return { users, content };
}
