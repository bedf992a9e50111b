import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { delay, retryDelay } from '../../src/element/backoff.js';
import { RECOVERY_BACKOFF } from '../../src/element/outage-recovery.js';
import { resolveLocale } from '../../src/element/locale.js';
import {
  formatAge,
  formatCountdown,
  formatElapsed,
} from '../../src/element/relative-time.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatAge', () => {
  const cases: Array<[number, string]> = [
    [-5 * SECOND, 'now'],
    [0, 'now'],
    [999, 'now'],
    [SECOND, '1 second ago'],
    [59 * SECOND + 999, '59 seconds ago'],
    [MINUTE, '1 minute ago'],
    [5 * MINUTE + 59 * SECOND, '5 minutes ago'],
    [HOUR, '1 hour ago'],
    [DAY, 'yesterday'],
    [2 * DAY, '2 days ago'],
    [31 * DAY, 'last month'],
    [400 * DAY, 'last year'],
  ];

  for (const [age, expected] of cases) {
    it(`formats ${age} ms as "${expected}"`, () => {
      expect(formatAge(age, 'en')).to.equal(expected);
    });
  }

  it('formats in the given locale', () => {
    expect(formatAge(5 * MINUTE, 'de')).to.equal('vor 5 Minuten');
  });
});

describe('formatElapsed', () => {
  for (const [duration, expected] of [
    [-SECOND, '0:00'],
    [0, '0:00'],
    [61 * SECOND, '1:01'],
    [62 * MINUTE + 5 * SECOND, '62:05'],
  ] as Array<[number, string]>) {
    it(`formats ${duration} ms as ${expected}`, () => {
      expect(formatElapsed(duration)).to.equal(expected);
    });
  }
});

describe('formatCountdown', () => {
  for (const [remaining, expected] of [
    [-SECOND, '0:00'],
    [0, '0:00'],
    [1, '0:01'],
    [SECOND, '0:01'],
    [4 * MINUTE, '4:00'],
    [4 * MINUTE - 1, '4:00'],
    [HOUR - SECOND, '59:59'],
    [HOUR, '1:00:00'],
    [2 * HOUR + 5 * MINUTE + 7 * SECOND, '2:05:07'],
    [DAY, '24:00:00'],
  ] as Array<[number, string]>) {
    it(`formats ${remaining} ms as ${expected}`, () => {
      expect(formatCountdown(remaining)).to.equal(expected);
    });
  }
});

describe('retryDelay', () => {
  it('grows from half to all of each step', () => {
    expect(retryDelay(0, () => 0)).to.equal(500);
    expect(retryDelay(0, () => 1)).to.equal(1000);
    expect(retryDelay(3, () => 0.5)).to.equal(6000);
  });

  it('caps the step at 30 seconds', () => {
    expect(retryDelay(10, () => 1)).to.equal(30_000);
    expect(retryDelay(50, () => 0)).to.equal(15_000);
  });

  it('steps from 5 to 60 seconds after an outage', () => {
    const attempts = [0, 1, 2, 3, 4, 5];
    const steps = attempts.map((attempt) => retryDelay(attempt, () => 1, RECOVERY_BACKOFF));

    expect(steps).to.deep.equal([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(retryDelay(0, () => 0, RECOVERY_BACKOFF)).to.equal(2500);
  });
});

describe('delay', () => {
  afterEach(() => sinon.restore());

  it('resolves after the time', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let resolved = false;
    void delay(1000, new AbortController().signal).then(() => {
      resolved = true;
    });

    await clock.tickAsync(999);
    expect(resolved).to.equal(false);
    await clock.tickAsync(1);
    expect(resolved).to.equal(true);
  });

  it('rejects and clears its timer on abort', async () => {
    const clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const controller = new AbortController();
    const waiting = delay(1000, controller.signal);

    controller.abort();
    expect(clock.countTimers()).to.equal(0);
    let reason: unknown;
    await waiting.catch((error: unknown) => {
      reason = error;
    });
    expect(reason).to.equal(controller.signal.reason);
  });
});

describe('resolveLocale', () => {
  function detached(markup: string): HTMLElement {
    const container = document.createElement('div');
    container.innerHTML = markup;

    return container.querySelector('#target')!;
  }

  it('takes the lang of the element', () => {
    expect(resolveLocale(detached('<p id="target" lang="fr-CA"></p>'))).to.equal('fr-CA');
  });

  it('takes the lang of the nearest ancestor', () => {
    const markup = '<div lang="en"><section lang="de"><p id="target"></p></section></div>';
    const target = detached(markup);

    expect(resolveLocale(target)).to.equal('de');
  });

  it('looks past a shadow root', () => {
    const host = detached('<div lang="ja"><span id="target"></span></div>');
    const inner = document.createElement('p');
    host.attachShadow({ mode: 'open' }).append(inner);

    expect(resolveLocale(inner)).to.equal('ja');
  });

  it('gives undefined for an empty or invalid lang', () => {
    expect(resolveLocale(detached('<p id="target" lang=""></p>'))).to.equal(undefined);
    expect(resolveLocale(detached('<p id="target" lang="not a tag"></p>'))).to.equal(undefined);
  });

  it('gives undefined without any lang', () => {
    expect(resolveLocale(detached('<p id="target"></p>'))).to.equal(undefined);
  });
});
