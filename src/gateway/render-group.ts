import type { CancelOrder } from './cancel-order.js';
import type { ReportConfig } from './config.js';
import type { FollowedRender } from './render-history.js';
import type { RenderRecord } from './render-record.js';

/**
 * Returns the key of the render that a refresh of this content and variant starts: two report
 * names with the same content GUID and variant share their renders, their single flight and
 * their cooldown, and two variants of one content have one each. A null variant is the
 * content's default variant. This is the only place that builds render keys.
 * NOTE: a report that names the default variant's key and one that names no variant get two
 * keys for the same variant on Connect, because the gateway does not look the key up.
 */
export function renderKey(guid: string, variant: string | null): string {
  return JSON.stringify([guid, variant]);
}

/** Returns the render key of a configured report's variant (see resolveVariant). */
export function reportRenderKey(report: ReportConfig, variant: string | null): string {
  return renderKey(report.guid, variant);
}

/** A configured report and its record of a shared render. */
export interface GroupMember {
  name: string;
  report: ReportConfig;
  record: RenderRecord;
}

/**
 * One render on Connect with one record per configured report name that has the render's
 * key. Each record has its own handle, which names its report, and its own log exposure and
 * redaction, so each report's settings and access lists apply to its handle.
 */
export class RenderGroup {
  readonly key: string;
  /** Variant key of the render, or null for the content's default variant. */
  readonly variant: string | null;
  /** The member whose request started or found the render; it names the render in logs. */
  readonly primary: GroupMember;
  readonly members: readonly GroupMember[];
  /** The kill order of a report owner's cancel request, once one arrived. */
  cancelOrder: CancelOrder | null = null;
  /** The render's entry in the variant's recent renders, which the render table ends. */
  readonly followed: FollowedRender;

  constructor(
    key: string,
    variant: string | null,
    members: readonly GroupMember[],
    followed: FollowedRender,
  ) {
    if (members.length === 0) {
      throw new Error('A render group needs at least one member.');
    }
    this.key = key;
    this.variant = variant;
    this.members = members;
    this.primary = members[0]!;
    this.followed = followed;
  }

  /** Returns the record of the report; throws when the report does not have this key. */
  recordFor(name: string): RenderRecord {
    const member = this.members.find((candidate) => candidate.name === name);
    if (member === undefined) {
      throw new Error(`Report ${name} is not part of the render of ${this.key}.`);
    }
    return member.record;
  }

  /** Appends Connect's output lines to every record. */
  appendOutput(lines: readonly string[]): void {
    for (const { record } of this.members) {
      record.appendOutput(lines);
    }
  }
}
