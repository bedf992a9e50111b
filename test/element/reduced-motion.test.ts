import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import sinon from 'sinon';
import { mount, type Mounted } from './helpers.js';
import { showStatus } from './statuses.js';

async function mountRunning(): Promise<Mounted> {
  const mounted = await mount();
  await showStatus(mounted, 'running');

  return mounted;
}

describe('connect-refresh-button motion', () => {
  afterEach(async () => {
    sinon.restore();
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('spins the indicator while running', async () => {
    await emulateMedia({ reducedMotion: 'no-preference' });
    const { el } = await mountRunning();
    const spinner = el.shadowRoot!.querySelector('.spinner')!;

    expect(getComputedStyle(spinner).animationName).to.equal('spin');
    expect(el.shadowRoot!.getAnimations()).to.not.have.length(0);
  });

  it('stops every animation under reduced motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const { el } = await mountRunning();
    const spinner = el.shadowRoot!.querySelector('.spinner')!;

    expect(getComputedStyle(spinner).animationName).to.equal('none');
    expect(el.shadowRoot!.getAnimations()).to.have.length(0);
  });

  it('stills the indeterminate bar under reduced motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const { el } = await mountRunning();
    const bars = el.shadowRoot!.querySelectorAll('progress:indeterminate');

    expect(bars).to.not.have.length(0);

    for (const bar of bars) {
      expect(getComputedStyle(bar).appearance).to.equal('none');
    }
  });
});
