/**
 * Shapes of the stand-in's JSON config file after validation, and the value lists that
 * the validator checks against.
 */

/** Every `app_mode` that Connect reports, from its content API. */
export const APP_MODES = [
  'api',
  'jupyter-static',
  'jupyter-voila',
  'python-api',
  'python-bokeh',
  'python-panel',
  'python-dash',
  'python-fastapi',
  'python-gradio',
  'python-shiny',
  'python-streamlit',
  'quarto-shiny',
  'quarto-static',
  'rmd-shiny',
  'rmd-static',
  'shiny',
  'static',
  'tensorflow-saved-model',
  'unknown',
] as const;

export type AppMode = (typeof APP_MODES)[number];

/** App modes that Connect renders into a static report; every other mode runs as an app. */
export const RENDERED_APP_MODES: readonly AppMode[] = [
  'rmd-static',
  'quarto-static',
  'jupyter-static',
];

/** Server-wide user roles, lowest first. */
export const USER_ROLES = ['viewer', 'publisher', 'administrator'] as const;

export type UserRole = (typeof USER_ROLES)[number];

/** A user's role on one content item (Connect's `app_role` without `none`). */
export const CONTENT_ROLES = ['owner', 'editor', 'viewer'] as const;

export type ContentRole = (typeof CONTENT_ROLES)[number];

/** Access types: visible to anyone, to any signed-in user, or to users with a permission. */
export const ACCESS_TYPES = ['all', 'logged_in', 'acl'] as const;

export type AccessType = (typeof ACCESS_TYPES)[number];

/** A user account and its API key. */
export interface StandInUser {
  username: string;
  api_key: string;
  role: UserRole;
}

/** A variant of a rendered content item: a saved set of parameter values. */
export interface StandInVariant {
  key: string;
  name: string;
  /** True for the one variant that renders when a request names none. */
  is_default: boolean;
  /** Parameter values of the variant's renders, by parameter name. */
  params: Record<string, string>;
}

/** A content item. Rendered items have `source` and exactly one of `rmd` or `command`. */
export interface StandInContent {
  guid: string;
  name: string;
  title: string | null;
  description: string;
  app_mode: AppMode;
  access_type: AccessType;
  /** Folder copied for each render, relative to the config file's folder. */
  source?: string;
  /** R Markdown file inside `source`, rendered with `rmarkdown::render`. */
  rmd?: string;
  /** Program and arguments run inside the copy of `source`, without a shell. */
  command?: string[];
  /**
   * Variants of a rendered item, exactly one of them the default. Undefined gives the item
   * one default variant with a random key, as Connect creates at the first deployment.
   */
  variants?: StandInVariant[];
  /** Content role of each user that has one, by username. */
  permissions: Record<string, ContentRole>;
}

/** A validated stand-in config. */
export interface StandInConfig {
  users: StandInUser[];
  content: StandInContent[];
}

/** Raised for an invalid config; `problems` lists each one as `path: message`. */
export class StandInConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[], source = 'stand-in config') {
    const list = problems.map((problem) => `  - ${problem}`).join('\n');
    super(`Invalid ${source}:\n${list}`);
    this.name = 'StandInConfigError';
    this.problems = problems;
  }
}
