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

  it('takes 0 for a free port', () => {
    assert.deepEqual(readPortOptions(['--page-port', '0']), { standInPort: undefined, gatewayPort: undefined, pagePort: 0 });
  });

  it('rejects a bad port', () => {
    for (const text of ['x', '65536', '80.5']) {
      assert.throws(() => readPortOptions(['--gateway-port', text]), /--gateway-port must be a port number from 0 to 65535/);
    }
  });

  it('rejects an unknown option', () => {
    assert.throws(() => readPortOptions(['--gatway-port', '1']),
      /^Error: Unknown option --gatway-port\. The demo takes --stand-in-port, --gateway-port and --page-port/);
    assert.throws(() => readPortOptions(['--page-port']), /^Error: Missing or invalid option value\. The demo takes/);
  });

  it('explains a port clash', () => {
    const clash = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:3939'), {
      code: 'EADDRINUSE',
      port: 3939,
    });
    const message = describeStartFailure(clash);
    assert.match(message, /^Port 3939 on 127\.0\.0\.1 is already in use/);
    assert.match(message, /npm start -- --stand-in-port 0 --gateway-port 0 --page-port 0$/);
    assert.match(describeStartFailure(new Error('Port 5173 is already in use')), /^Port 5173 on 127\.0\.0\.1 is already in use/);
    assert.equal(describeStartFailure(new Error('boom')), 'boom');
  });
});
