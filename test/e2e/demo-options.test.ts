import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeStartFailure, readPortOptions } from '../../demo/start.js';

describe('demo start options', () => {
  it('reads the three ports', () => {
    const options = readPortOptions(['--stand-in-port', '3940', '--gateway-port=8788', '--page-port', '5174']);
    assert.deepEqual(options, { standInPort: 3940, gatewayPort: 8788, pagePort: 5174 });
  });

  it('keeps the defaults without options', () => {
    assert.deepEqual(readPortOptions([]), { standInPort: undefined, gatewayPort: undefined, pagePort: undefined });
  });

  it('rejects a bad port', () => {
    for (const text of ['x', '0', '65536', '80.5']) {
      assert.throws(() => readPortOptions(['--gateway-port', text]), /--gateway-port must be a port number from 1 to 65535/);
    }
  });

  it('rejects an unknown option', () => {
    assert.throws(() => readPortOptions(['--port', '1']), /Unknown option '--port'/);
  });

  it('explains a port clash', () => {
    const clash = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3939'), {
      code: 'EADDRINUSE',
      port: 3939,
    });
    const message = describeStartFailure(clash);
    assert.match(message, /^Port 3939 on 127\.0\.0\.1 is already in use/);
    assert.match(message, /npm start -- --stand-in-port 3940 --gateway-port 8788 --page-port 5174$/);
    assert.equal(describeStartFailure(new Error('boom')), 'boom');
  });
});
