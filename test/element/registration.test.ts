import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/element/define.js';
import { ConnectRefreshButton } from '../../src/element/connect-refresh-button.js';
import { VERSION } from '../../src/element/version.js';

/** Returns a tag that no other test defined. */
function freshTag(): string {
  return `refresh-button-${crypto.randomUUID()}`;
}

describe('ConnectRefreshButton registration', () => {
  afterEach(() => sinon.restore());

  it('names the package version', () => {
    expect(ConnectRefreshButton.version).to.equal(VERSION);
    expect(VERSION).to.match(/^\d+\.\d+\.\d+/);
  });

  it('keeps the first class of a tag', () => {
    const warn = sinon.stub(console, 'warn');
    const tag = freshTag();
    class First extends ConnectRefreshButton {
      static override readonly version = '0.1.0';
    }
    class Second extends ConnectRefreshButton {
      static override readonly version = '0.2.0';
    }

    First.define(tag);
    expect(() => Second.define(tag)).to.not.throw();

    expect(customElements.get(tag)).to.equal(First);
    expect(warn.callCount).to.equal(1);
    expect(warn.firstCall.args).to.deep.equal([`${tag} 0.1.0 is already defined; ignoring 0.2.0.`]);
  });

  it('warns nothing for the same class', () => {
    const warn = sinon.stub(console, 'warn');
    const tag = freshTag();
    class Renamed extends ConnectRefreshButton {}

    Renamed.define(tag);
    Renamed.define(tag);

    expect(customElements.get(tag)).to.equal(Renamed);
    expect(warn.callCount).to.equal(0);
  });

  it('names a class without a version', () => {
    const warn = sinon.stub(console, 'warn');
    const tag = freshTag();
    customElements.define(tag, class extends HTMLElement {});

    ConnectRefreshButton.define(tag);

    expect(warn.firstCall.args[0]).to.equal(
      `${tag} (unknown version) is already defined; ignoring ${VERSION}.`);
  });
});
