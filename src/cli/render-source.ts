/**
 * Interface to Connect or a gateway that the render and status commands use. The two
 * implementations are connect-source.ts (direct) and gateway-source.ts (`--gateway URL`).
 */

/** A render that the source started or joined. */
export interface RenderStart {
  /** Report name: the gateway's report name, or Connect's content name. */
  report: string;
  /** Content GUID, or null through a gateway, which does not expose it. */
  guid: string | null;
  /**
   * Id to follow the render by: Connect's task id, or the gateway's render handle. Null when
   * the command joined a render job on Connect, whose task it cannot see.
   */
  task: string | null;
  /** Key of the joined Connect render job, otherwise null. */
  job: string | null;
  /** True when the render was already running and the command joined it. */
  joined: boolean;
  startedAt: Date;
}

/**
 * Outcome of a finished render. `unknown`: the gateway lost the render, so it may or may not have
 * finished. Only a gateway reports `cancelled`: Connect's task and job do not record that a kill
 * order ended them, so directly on Connect a cancel looks failed.
 */
export interface RenderEnd {
  state: 'succeeded' | 'failed' | 'unknown' | 'cancelled';
  finishedAt: Date;
  /** Short reason of a failed or lost render, the gateway's note on a cancelled one, otherwise null. */
  error: string | null;
}

/** The status of a report. */
export interface ReportStatusView {
  report: string;
  guid: string | null;
  title: string | null;
  /** Completion time of the last successful render (RFC 3339), or null. */
  lastRenderedAt: string | null;
  /** The render in progress, or null. */
  running: { startedAt: string; task: string | null; job: string | null } | null;
  /** Seconds that recent successful renders took, newest first. */
  recentDurations: number[];
}

export interface RenderSource {
  /** Starts a render, or joins the one that runs. Rejects with a CommandError. */
  start(signal: AbortSignal): Promise<RenderStart>;
  /** Returns the seconds that recent successful renders took, newest first; [] when unknown. */
  recentDurations(signal: AbortSignal): Promise<number[]>;
  /**
   * Waits until the render ends, passing each new log line to `onLine`. Calls `onStuck` once
   * when the source reports that the render has run past its maximum duration, which only a
   * gateway does. Rejects with the signal's reason when `signal` aborts, and with a CommandError
   * when the source fails.
   */
  waitForEnd(
    start: RenderStart,
    onLine: (line: string) => void,
    signal: AbortSignal,
    onStuck?: () => void,
  ): Promise<RenderEnd>;
  /** Reads the report's status. Rejects with a CommandError. */
  readStatus(signal: AbortSignal): Promise<ReportStatusView>;
}
