/**
 * A brief, fixed-seed fuzz run against real gateways and a real stand-in, plus checks that the
 * fuzzer's own oracle, response parser and secret scanner can tell a failure. Longer runs:
 * `npm run fuzz -- --count 200000 --seed N`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResponses } from './exchange.js';
import { fuzzSecrets } from './fuzz-servers.js';
import { runFuzz } from './fuzz-run.js';
import { newRequest, setHeader } from './raw-request.js';
import { couldStartRender, spoilRenderStarts } from './render-oracle.js';
import { Random } from './random.js';
import { SecretScanner } from './secret-scan.js';

const SEED = 20_261_204;
/** Enough cases to reach every route and check, few enough for every `npm test`. */
const CASES = 1500;

describe('gateway fuzzing', () => {
  it('survives a brief fixed-seed run', { timeout: 180_000 }, async () => {
    const result = await runFuzz({ seed: SEED, count: CASES });

    assert.equal(result.report, '', `the fuzz run found failures:\n${result.report}`);
    assert.equal(result.casesRun, CASES);
    assert.equal(result.rendersStarted, 0);
    // The cases get past parsing, authentication and the route checks, not only rejected early.
    for (const status of ['200', '204', '400', '401', '403', '404', '405', '415']) {
      assert.ok((result.statusCounts[status] ?? 0) > 0, `no case got status ${status}: ${JSON.stringify(result.statusCounts)}`);
    }
    assert.ok((result.heldPolls.client_gone ?? 0) > 0, `no held poll ended with its client: ${JSON.stringify(result.heldPolls)}`);
  });
});

describe('fuzzer oracle', () => {
  const secrets = fuzzSecrets(SEED);
  const validRefresh = () => {
    const request = newRequest('credentials', 'POST', '/v1/reports/sales/refresh');
    setHeader(request, 'Content-Type', 'application/json; charset=utf-8');
    setHeader(request, 'Authorization', `Bearer ${secrets.bearerToken}`);
    request.body = Buffer.from(' {} ');
    return request;
  };

  it('flags a valid refresh', () => {
    assert.equal(couldStartRender(validRefresh(), secrets), true);
  });

  it('flags an empty refresh body', () => {
    const request = validRefresh();
    request.body = Buffer.alloc(0);
    assert.equal(couldStartRender(request, secrets), true);
  });

  it('flags proxy and anonymous senders', () => {
    const proxied = validRefresh();
    setHeader(proxied, 'Authorization', undefined);
    setHeader(proxied, 'X-Remote-User', 'ops');
    assert.equal(couldStartRender(proxied, secrets), true);

    const anonymous = validRefresh();
    anonymous.gateway = 'loopback';
    setHeader(anonymous, 'Authorization', undefined);
    assert.equal(couldStartRender(anonymous, secrets), true);
  });

  it('spoils every refresh that could start a render', () => {
    const request = validRefresh();
    request.pipelined.push(validRefresh());
    spoilRenderStarts(new Random(SEED), request, secrets);

    assert.equal(couldStartRender(request, secrets), false);
    assert.equal(couldStartRender(request.pipelined[0]!, secrets), false);
  });

  it('ignores a refresh with a wrong token', () => {
    const request = validRefresh();
    setHeader(request, 'Authorization', `Bearer ${secrets.bearerToken.slice(1)}`);
    assert.equal(couldStartRender(request, secrets), false);
  });
});

describe('fuzzer response parser', () => {
  const response = (status: number, body: string) =>
    `HTTP/1.1 ${status} X\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

  it('splits pipelined responses', () => {
    const parsed = parseResponses(Buffer.from(`${response(200, '{}')}${response(503, '{"a":1}')}`));

    assert.deepEqual(parsed.responses.map(({ status }) => status), [200, 503]);
    assert.equal(parsed.complete, 2);
    assert.equal(parsed.problem, undefined);
  });

  it('reads a HEAD response without body', () => {
    const head = 'HTTP/1.1 404 Not Found\r\ncontent-length: 50\r\n\r\n';
    const parsed = parseResponses(Buffer.from(`${head}${response(500, '')}`));

    assert.deepEqual(parsed.responses.map(({ status }) => status), [404, 500]);
  });

  it('reports bytes that are not a response', () => {
    const parsed = parseResponses(Buffer.from(`${response(400, '{}')}garbage`));

    assert.match(parsed.problem ?? '', /no status line/);
  });

  it('does not count an interim response', () => {
    const parsed = parseResponses(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'));

    assert.equal(parsed.responses.length, 1);
    assert.equal(parsed.complete, 0);
  });
});

describe('fuzzer secret scanner', () => {
  const secret = 'k3y-0123456789abcdefghijklmnopqrstuvwxyz';
  const scanner = new SecretScanner({ 'API key': secret });

  it('finds encoded and clipped secrets', () => {
    const texts = [
      `x ${secret} y`,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('hex'),
      `${secret.slice(0, 25)}…`,
      `…${secret.slice(-25)}`,
    ];
    for (const text of texts) {
      assert.equal(scanner.find(text)?.name, 'API key', text);
    }
  });

  it('masks secrets in reports', () => {
    assert.equal(scanner.mask(`Bearer ${secret}`), 'Bearer <API key>');
  });

  it('passes text without secrets', () => {
    assert.equal(scanner.find('{"error":{"code":"unauthenticated"}}'), undefined);
  });
});
