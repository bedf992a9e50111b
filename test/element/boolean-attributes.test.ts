import { expect, fixture, html } from '@open-wc/testing';
import { parseBooleanAttribute } from '../../src/element/attribute-converters.js';
import type { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import '../../src/element/define.js';

/** Attribute values, null for an absent attribute, and the boolean each must give. */
const RULE: ReadonlyArray<[string | null, boolean]> = [
  [null, false],
  ['false', false],
  ['FALSE', false],
  ['False', false],
  [' false ', false],
  ['0', false],
  ['', true],
  ['true', true],
  ['TRUE', true],
  ['1', true],
  ['notify', true],
  ['no', true],
  ['00', true],
];

describe('boolean attributes', () => {
  for (const [value, expected] of RULE) {
    it(`reads ${JSON.stringify(value)} as ${expected}`, () => {
      expect(parseBooleanAttribute(value)).to.equal(expected);
    });
  }

  it('notify follows the rule', async () => {
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button lang="en"></connect-refresh-button>
    `);

    for (const [value, expected] of RULE) {
      if (value === null) {
        el.removeAttribute('notify');
      } else {
        el.setAttribute('notify', value);
      }

      expect(el.notify, `notify=${JSON.stringify(value)}`).to.equal(expected);
    }
  });

  it('with-credentials follows the rule', async () => {
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button lang="en"></connect-refresh-button>
    `);

    for (const [value, expected] of RULE) {
      if (value === null) {
        el.removeAttribute('with-credentials');
      } else {
        el.setAttribute('with-credentials', value);
      }

      expect(el.withCredentials, `with-credentials=${JSON.stringify(value)}`).to.equal(expected);
    }
  });

  it('notify is not reflected', async () => {
    const el = await fixture<ConnectRefreshButton>(html`
      <connect-refresh-button lang="en" notify="FALSE"></connect-refresh-button>
    `);
    el.notify = true;
    await el.updateComplete;

    expect(el.getAttribute('notify')).to.equal('FALSE');
  });
});
