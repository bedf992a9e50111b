import { RenderLog } from '../../src/gateway/render-log.js';
import { RenderRecord } from '../../src/gateway/render-record.js';

/** Returns a running record of a report with `log: full` and no redaction. */
export function testRecord(): RenderRecord {
  return new RenderRecord({
    handle: 'handle',
    renderId: 'r'.repeat(22),
    reportName: 'sales',
    variant: null,
    requester: null,
    startedAt: new Date(),
    startedBy: null,
    jobKey: null,
    log: new RenderLog('full', (line) => line),
  });
}
