import { expect } from '@open-wc/testing';
import { MAX_RECENT_DURATIONS, RecentDurations } from '../../src/element/recent-durations.js';

const T0 = '2026-12-04T12:00:00.000Z';
const T1 = '2026-12-04T12:01:00.000Z';
const T2 = '2026-12-04T12:02:00.000Z';
const T3 = '2026-12-04T12:03:00.000Z';

describe('RecentDurations', () => {
  it('puts a render in front', () => {
    const recent = new RecentDurations();
    recent.takeStatusRead([240, 120], T0);

    expect(recent.addRender(T1, T2)).to.equal(true);
    expect(recent.durations).to.deep.equal([60, 240, 120]);
  });

  it('keeps at most ten', () => {
    const recent = new RecentDurations();
    recent.takeStatusRead(Array.from({ length: MAX_RECENT_DURATIONS }, () => 100), null);
    recent.addRender(T1, T2);

    expect(MAX_RECENT_DURATIONS).to.equal(10);
    expect(recent.durations).to.have.length(10);
    expect(recent.durations[0]).to.equal(60);
  });

  it('adds one render once', () => {
    const recent = new RecentDurations();
    recent.addRender(T1, T2);

    expect(recent.addRender(T1, T2)).to.equal(false);
    expect(recent.durations).to.deep.equal([60]);
  });

  it('skips a render the read counted', () => {
    const recent = new RecentDurations();
    recent.takeStatusRead([240, 120, 180], T2);

    expect(recent.addRender(T1, T2)).to.equal(false);
    expect(recent.durations).to.deep.equal([240, 120, 180]);
  });

  it('keeps it over an older read', () => {
    const recent = new RecentDurations();
    recent.takeStatusRead([240, 120], T0);
    recent.addRender(T1, T2);
    recent.takeStatusRead([240, 120], T0);

    expect(recent.durations).to.deep.equal([60, 240, 120]);
  });

  it('takes a newer read whole', () => {
    const recent = new RecentDurations();
    recent.addRender(T1, T2);
    recent.takeStatusRead([61, 240, 120], T2);

    expect(recent.durations).to.deep.equal([61, 240, 120]);
    expect(recent.addRender(T1, T2), 'the same render again').to.equal(false);
    expect(recent.addRender('2026-12-04T12:02:30.000Z', T3), 'a later render').to.equal(true);
    expect(recent.durations).to.deep.equal([30, 61, 240, 120]);
  });

  it('ignores unreadable times', () => {
    const recent = new RecentDurations();

    expect(recent.addRender('soon', T2)).to.equal(false);
    expect(recent.addRender(T2, T1), 'an end before the start').to.equal(false);
    expect(recent.durations).to.deep.equal([]);
  });

  it('forgets everything on reset', () => {
    const recent = new RecentDurations();
    recent.takeStatusRead([240], T3);
    recent.reset();

    expect(recent.durations).to.deep.equal([]);
    expect(recent.addRender(T1, T2)).to.equal(true);
  });
});
