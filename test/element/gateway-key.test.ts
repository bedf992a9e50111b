import { expect } from '@open-wc/testing';
import { gatewayKeyPart } from '../../src/element/gateway-key.js';
import { sharingKey } from '../../src/element/page-sharing.js';
import { renderStorageKey } from '../../src/element/render-memory.js';
import { tabKey } from '../../src/element/tab-messages.js';

/** Ways to write the gateway that the tests' pages reach at `/gw`. */
const SAME_GATEWAY = ['/gw', '/gw/', ' /gw// ', new URL('/gw', document.baseURI).href];

describe('gatewayKeyPart', () => {
  it('resolves against the base URL', () => {
    expect(gatewayKeyPart('/gw/')).to.equal(new URL('/gw', document.baseURI).href);
  });

  it('keeps an invalid URL as trimmed text', () => {
    expect(gatewayKeyPart(' http://[invalid ')).to.equal('http://[invalid');
  });

  it('keeps different gateways apart', () => {
    expect(gatewayKeyPart('/gw')).to.not.equal(gatewayKeyPart('/other'));
    expect(gatewayKeyPart('/gw')).to.not.equal(gatewayKeyPart('/gw/v2'));
  });
});

describe('keys of one gateway written differently', () => {
  for (const gateway of SAME_GATEWAY) {
    it(`match for ${JSON.stringify(gateway)}`, () => {
      const anonymous = { token: null, tokenProvider: null };
      expect(sharingKey(gateway, 'sales', anonymous)).to.equal(
        sharingKey('/gw', 'sales', anonymous));
      expect(renderStorageKey(gateway, 'sales')).to.equal(renderStorageKey('/gw', 'sales'));
      expect(tabKey(gateway, 'sales')).to.equal(tabKey('/gw', 'sales'));
    });
  }
});
