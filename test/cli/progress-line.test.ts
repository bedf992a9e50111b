import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import sinon from 'sinon';
import { formatClock, ProgressLine, typicalDuration } from '../../src/cli/progress-line.js';

const CLEAR = '\r\x1b[2K';

/** Returns a stream that records each write. */
function recordingStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => writes.push(text) };
}

describe('progress line', () => {
  let clock: sinon.SinonFakeTimers;

  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-04T15:00:00Z') });
  });

  afterEach(() => {
    clock.restore();
  });

  it('redraws the elapsed time every second on a terminal', () => {
    const stream = recordingStream(true);
    const line = new ProgressLine(stream, 'Rendering sales', new Date(Date.now() - 5_000));
    line.start();
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:05 elapsed`);

    clock.tick(1_000);
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:06 elapsed`);
    line.setTypical(41.3);
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:06 elapsed, usually 0:41`);

    clock.tick(40_000);
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:46 elapsed, usually 0:41 (longer than usual)`);
    line.stop();
    assert.equal(stream.writes.at(-1), CLEAR);
    const count = stream.writes.length;
    clock.tick(5_000);
    assert.equal(stream.writes.length, count, 'no redraw after stop');
  });

  it('is not longer than usual at equal shown times', () => {
    const stream = recordingStream(true);
    const line = new ProgressLine(stream, 'Rendering sales', new Date(Date.now() - 4_800));
    line.start();
    line.setTypical(4.2);
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:04 elapsed, usually 0:04`);

    clock.tick(1_000);
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering sales: 0:05 elapsed, usually 0:04 (longer than usual)`);
    line.stop();
  });

  it('prints log lines above the line', () => {
    const stream = recordingStream(true);
    const line = new ProgressLine(stream, 'Rendering sales', new Date());
    line.start();
    stream.writes.length = 0;
    line.printLine('processing file: report.Rmd');
    assert.deepEqual(stream.writes, [CLEAR, 'processing file: report.Rmd\n', `${CLEAR}Rendering sales: 0:00 elapsed`]);
    line.stop();
  });

  it('fits the terminal width', () => {
    const stream = recordingStream(true, 20);
    const line = new ProgressLine(stream, 'Rendering a-report-with-a-long-name', new Date());
    line.start();
    assert.equal(stream.writes.at(-1), `${CLEAR}Rendering a-report-`);
    line.stop();
  });

  it('prints plain lines off a terminal', () => {
    const stream = recordingStream(false);
    const line = new ProgressLine(stream, 'Rendering sales', new Date());
    line.start();
    line.setTypical(10);
    line.printLine('a log line');
    clock.tick(3_000);
    line.stop();
    assert.deepEqual(stream.writes, ['a log line\n']);
  });
});

describe('duration helpers', () => {
  it('formats clocks', () => {
    assert.equal(formatClock(0), '0:00');
    assert.equal(formatClock(59.9), '0:59');
    assert.equal(formatClock(61), '1:01');
    assert.equal(formatClock(3_725), '1:02:05');
    assert.equal(formatClock(-3), '0:00');
  });

  it('takes the median as typical', () => {
    assert.equal(typicalDuration([]), null);
    assert.equal(typicalDuration([41.3]), 41.3);
    assert.equal(typicalDuration([44.8, 39, 41.3]), 41.3);
    assert.equal(typicalDuration([10, 30, 20, 40]), 25);
  });
});
