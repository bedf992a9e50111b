import { expect } from '@open-wc/testing';
import { type BadgeOutcome, removeTitleBadge, showTitleBadge } from '../../src/element/title-badge.js';

const PAGE_TITLE = 'Sales dashboard';

/** Shows the badges in order and returns the title afterwards. */
function titleAfter(...outcomes: BadgeOutcome[]): string {
  outcomes.forEach((outcome) => showTitleBadge(outcome));

  return document.title;
}

describe('title badge', () => {
  let originalTitle: string;

  beforeEach(() => {
    originalTitle = document.title;
    document.title = PAGE_TITLE;
  });

  afterEach(() => {
    removeTitleBadge();
    document.title = originalTitle;
  });

  const cases: Array<[BadgeOutcome[], string]> = [
    [['succeeded'], `✓ ${PAGE_TITLE}`],
    [['failed'], `✕ ${PAGE_TITLE}`],
    [['unknown'], `? ${PAGE_TITLE}`],
    [['succeeded', 'failed'], `✕ ${PAGE_TITLE}`],
    [['failed', 'succeeded'], `✕ ${PAGE_TITLE}`],
    [['succeeded', 'unknown'], `? ${PAGE_TITLE}`],
    [['unknown', 'succeeded'], `? ${PAGE_TITLE}`],
    [['unknown', 'failed'], `✕ ${PAGE_TITLE}`],
    [['failed', 'unknown'], `? ${PAGE_TITLE}`],
  ];

  for (const [outcomes, expected] of cases) {
    it(`shows ${outcomes.join(' then ')} as "${expected}"`, () => {
      expect(titleAfter(...outcomes)).to.equal(expected);
    });
  }

  it('restores the title on removal', () => {
    titleAfter('unknown');
    removeTitleBadge();

    expect(document.title).to.equal(PAGE_TITLE);
  });
});
