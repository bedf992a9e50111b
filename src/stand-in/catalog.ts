import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { nowNs } from './clock.js';
import type { StandInConfig, StandInContent, StandInVariant, UserRole } from './config-types.js';
import { randomAlphanumeric, stableGuid } from './ids.js';

/** Finished jobs kept per content item; running jobs are always kept. */
export const JOB_HISTORY_LIMIT = 100;
/** Renderings kept per variant; the folders of older ones are deleted. */
export const RENDERING_HISTORY_LIMIT = 20;

export interface UserRecord {
  id: number;
  guid: string;
  username: string;
  role: UserRole;
}

export interface RenderingRecord {
  id: number;
  contentId: number;
  variantId: number;
  bundleId: number;
  jobKey: string;
  renderTimeNs: bigint;
  durationNs: number;
  active: boolean;
  /** Folder the render wrote, served at the content URL while the rendering is active. */
  outputDir: string;
}

export interface VariantRecord {
  id: number;
  key: string;
  name: string;
  isDefault: boolean;
  /** Parameter values that the variant's renders get, by parameter name. */
  params: Readonly<Record<string, string>>;
  createdNs: bigint;
  /** Newest first. */
  renderings: RenderingRecord[];
}

/** Job status codes as Connect reports them: 0 active, 2 finalized. */
export type JobStatus = 0 | 2;

export interface JobRecord {
  id: number;
  key: string;
  contentId: number;
  contentGuid: string;
  variantId: number;
  variantKey: string;
  bundleId: number;
  tag: string;
  status: JobStatus;
  pid: number | null;
  startNs: bigint;
  endNs: bigint | null;
  heartbeatNs: bigint;
  exitCode: number | null;
  hostname: string;
  runAs: string | null;
}

export interface ContentRecord {
  id: number;
  settings: StandInContent;
  bundleId: number;
  createdNs: bigint;
  owner: UserRecord;
  /** In config order; exactly one is the default. */
  variants: VariantRecord[];
  /** Newest first. */
  jobs: JobRecord[];
}

function hashKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

function currentUserName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** Connect's job tag for a render of each rendered app mode. */
function renderTag(settings: StandInContent): string {
  return settings.app_mode === 'jupyter-static' ? 'build_jupyter' : 'build_report';
}

/** In-memory users, content, variants, renderings and jobs, built from the config. */
export class Catalog {
  readonly users: readonly UserRecord[];
  private readonly usersByKeyHash = new Map<string, UserRecord>();
  private readonly contentByGuid = new Map<string, ContentRecord>();
  private nextVariantId = 1;
  private nextJobId = 1;
  private nextRenderingId = 1;

  constructor(config: StandInConfig) {
    this.users = config.users.map((user, index) => ({
      id: index + 1,
      guid: stableGuid('user', user.username),
      username: user.username,
      role: user.role,
    }));
    config.users.forEach((user, index) => {
      this.usersByKeyHash.set(hashKey(user.api_key), this.users[index]!);
    });
    const startedNs = nowNs();
    config.content.forEach((settings, index) => {
      this.contentByGuid.set(settings.guid, this.createContent(settings, index + 1, startedNs));
    });
  }

  private createContent(settings: StandInContent, id: number, createdNs: bigint): ContentRecord {
    const ownerName = Object.keys(settings.permissions)
      .find((username) => settings.permissions[username] === 'owner');
    const owner = this.users.find((user) => user.username === ownerName);
    if (!owner) {
      throw new Error(`content ${settings.guid} has no owner; validate the config first`);
    }
    const configured: StandInVariant[] = settings.variants ?? [
      { key: randomAlphanumeric(8), name: 'default', is_default: true, params: {} },
    ];
    const variants = configured.map((variant) => ({
      id: this.nextVariantId++,
      key: variant.key,
      name: variant.name,
      isDefault: variant.is_default,
      params: { ...variant.params },
      createdNs,
      renderings: [],
    }));
    return { id, settings, bundleId: id, createdNs, owner, variants, jobs: [] };
  }

  /** Returns the user whose API key this is, or undefined. */
  findUserByKey(apiKey: string): UserRecord | undefined {
    return this.usersByKeyHash.get(hashKey(apiKey));
  }

  findContent(guid: string): ContentRecord | undefined {
    return this.contentByGuid.get(guid);
  }

  /** Returns the variant with this id and the content item that owns it, or undefined. */
  findVariant(variantId: number): { content: ContentRecord; variant: VariantRecord } | undefined {
    for (const content of this.contentByGuid.values()) {
      const variant = content.variants.find((candidate) => candidate.id === variantId);
      if (variant !== undefined) {
        return { content, variant };
      }
    }
    return undefined;
  }

  /** Records a new running render job for one variant of the content. */
  startJob(content: ContentRecord, variant: VariantRecord): JobRecord {
    const startNs = nowNs();
    const job: JobRecord = {
      id: this.nextJobId++,
      key: randomAlphanumeric(16),
      contentId: content.id,
      contentGuid: content.settings.guid,
      variantId: variant.id,
      variantKey: variant.key,
      bundleId: content.bundleId,
      tag: renderTag(content.settings),
      status: 0,
      pid: null,
      startNs,
      endNs: null,
      heartbeatNs: startNs,
      exitCode: null,
      hostname: hostname(),
      runAs: currentUserName(),
    };
    content.jobs.unshift(job);
    return job;
  }

  /**
   * Finalizes a job and trims the content's job history to JOB_HISTORY_LIMIT. `exitCode` is
   * null for a job whose process a restart ended.
   */
  finishJob(content: ContentRecord, job: JobRecord, exitCode: number | null): void {
    job.status = 2;
    job.endNs = nowNs();
    job.heartbeatNs = job.endNs;
    job.exitCode = exitCode;
    const finished = content.jobs.filter((candidate) => candidate.status !== 0);
    const dropped = finished.slice(JOB_HISTORY_LIMIT);
    content.jobs = content.jobs.filter((candidate) => !dropped.includes(candidate));
  }

  /**
   * Makes the output of a successful job the active rendering of the job's variant. Returns
   * the renderings dropped from the history, whose folders the caller should delete.
   */
  activateRendering(content: ContentRecord, job: JobRecord, outputDir: string) {
    const variant = content.variants.find((candidate) => candidate.id === job.variantId);
    if (variant === undefined) {
      throw new Error(`job ${job.key} names variant ${job.variantId}, which ${content.settings.guid} lacks`);
    }
    const renderTimeNs = job.endNs ?? nowNs();
    const rendering: RenderingRecord = {
      id: this.nextRenderingId++,
      contentId: content.id,
      variantId: job.variantId,
      bundleId: job.bundleId,
      jobKey: job.key,
      renderTimeNs,
      durationNs: Number(renderTimeNs - job.startNs),
      active: true,
      outputDir,
    };
    for (const older of variant.renderings) {
      older.active = false;
    }
    variant.renderings.unshift(rendering);
    const dropped = variant.renderings.splice(RENDERING_HISTORY_LIMIT);
    return { rendering, dropped };
  }
}

/** Returns the content's default variant. */
export function defaultVariant(content: ContentRecord): VariantRecord {
  const found = content.variants.find((variant) => variant.isDefault);
  if (found === undefined) {
    throw new Error(`content ${content.settings.guid} has no default variant`);
  }
  return found;
}

/** Returns the variant's active rendering, or undefined before the first successful render. */
export function activeRendering(variant: VariantRecord): RenderingRecord | undefined {
  return variant.renderings.find((rendering) => rendering.active);
}
