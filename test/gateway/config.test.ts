import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadGatewayConfig, parseGatewayConfig } from '../../src/gateway/config.js';
import { readConnectEnv } from '../../src/gateway/env.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';

const GUID = '6a3b4c5d-0000-4000-8000-00000000beef';

function problemsOf(action: () => unknown): readonly string[] {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof GatewayConfigError, `expected GatewayConfigError, got ${error}`);
    return error.problems;
  }
  assert.fail('expected a GatewayConfigError');
}

describe('parseGatewayConfig', () => {
  it('fills defaults and lowercases guids', () => {
    const config = parseGatewayConfig({
      reports: {
        sales: { guid: GUID.toUpperCase(), log: 'full' },
        'ops_2-daily': { guid: GUID },
      },
    });
    const report = {
      redact: [], cooldown_s: 0, max_duration: null, variant: null, variants: [], refresh: null,
      read: null, cancel: null,
    };
    assert.deepEqual(config, {
      auth: { anonymous: null, bearer_tokens: [], jwt: null, proxy: null },
      cors: { origins: [], credentials: false },
      rate_limit: { refresh_per_minute: 10, reads_per_minute: 600 },
      reports: {
        sales: { guid: GUID, log: 'full', ...report },
        'ops_2-daily': { guid: GUID, log: 'none', ...report },
      },
      redis: null,
    });
  });

  it('lists every problem with its path', () => {
    const problems = problemsOf(() =>
      parseGatewayConfig({
        reports: {
          'bad name': { guid: GUID },
          sales: { guid: 'not-a-guid', log: 'verbose', extra: 1 },
          costs: {},
          ops: 'abc',
        },
        port: 8080,
      }),
    );
    assert.equal(problems.length, 7, problems.join('\n'));
    const expected = [
      /^port: unknown field/,
      /^reports\["bad name"\]: invalid report name/,
      /^reports\.sales\.extra: unknown field/,
      /^reports\.sales\.guid: expected a Connect content GUID .* got "not-a-guid"/,
      /^reports\.sales\.log: expected "none", "errors" or "full", got "verbose"/,
      /^reports\.costs\.guid: missing; expected a Connect content GUID/,
      /^reports\.ops: expected an object/,
    ];
    for (const pattern of expected) {
      assert.ok(problems.some((problem) => pattern.test(problem)), `no problem matches ${pattern}`);
    }
  });

  it('puts the problems in the message', () => {
    assert.throws(
      () => parseGatewayConfig({ reports: { sales: { guid: 'x' } } }),
      (error: Error) => {
        assert.match(error.message, /^Invalid gateway config \(1 problem\):/);
        assert.match(error.message, /reports\.sales\.guid: expected a Connect content GUID/);
        return true;
      },
    );
  });

  it('rejects empty and missing reports', () => {
    assert.match(
      problemsOf(() => parseGatewayConfig({ reports: {} }))[0]!,
      /^reports: expected .* at least one report, got an empty object$/,
    );
    assert.match(problemsOf(() => parseGatewayConfig({}))[0]!, /^reports: missing/);
    const topLevel = problemsOf(() => parseGatewayConfig([]));
    assert.match(topLevel[0]!, /^\(top level\): expected an object/);
    assert.match(problemsOf(() => parseGatewayConfig(null))[0]!, /got null/);
  });

  it('rejects names longer than 64 characters', () => {
    const name = `a${'b'.repeat(64)}`;
    const problems = problemsOf(() => parseGatewayConfig({ reports: { [name]: { guid: GUID } } }));
    assert.match(problems[0]!, /invalid report name/);
    const longest = `a${'b'.repeat(63)}`;
    assert.ok(parseGatewayConfig({ reports: { [longest]: { guid: GUID } } }).reports[longest]);
  });
});

describe('loadGatewayConfig', () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file', async () => {
    const path = join(dir, 'ok.json');
    await writeFile(path, JSON.stringify({ reports: { sales: { guid: GUID, log: 'full' } } }));
    const config = await loadGatewayConfig(path);
    assert.deepEqual(config.reports, {
      sales: {
        guid: GUID,
        log: 'full',
        redact: [],
        cooldown_s: 0,
        max_duration: null,
        variant: null,
        variants: [],
        refresh: null,
        read: null,
        cancel: null,
      },
    });
  });

  it('names the file when it is missing', async () => {
    const path = join(dir, 'missing.json');
    await assert.rejects(loadGatewayConfig(path), (error: Error) => {
      assert.ok(error instanceof GatewayConfigError);
      assert.equal(error.message, `Cannot read gateway config ${path}: the file does not exist.`);
      return true;
    });
  });

  it('names the file on invalid JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"reports": ');
    await assert.rejects(loadGatewayConfig(path), (error: Error) => {
      assert.ok(error instanceof GatewayConfigError);
      assert.match(error.message, new RegExp(`^Gateway config ${path} is not valid JSON`));
      return true;
    });
  });

  it('names the line of a JSON error', async () => {
    const path = join(dir, 'comma.json');
    const secret = 'redis-secret-5d1e';
    await writeFile(path, `{\n  "redis": { "url": "redis://:${secret}@cache/0" }\n  "reports": {}\n}\n`);
    await assert.rejects(loadGatewayConfig(path), (error: Error) => {
      assert.ok(error instanceof GatewayConfigError);
      assert.equal(error.message, `Gateway config ${path} is not valid JSON at line 3, column 3; ` +
        'check the commas, quotes and brackets there, and that text values are in double quotes.');
      assert.ok(!error.message.includes(secret));
      return true;
    });
  });

  it('names an empty file', async () => {
    const path = join(dir, 'empty.json');
    await writeFile(path, '\n  \n');
    await assert.rejects(loadGatewayConfig(path), (error: Error) => {
      assert.equal(error.message, `Gateway config ${path} is empty; write a JSON object with a "reports" section.`);
      return true;
    });
  });

  it('accepts a byte-order mark', async () => {
    const path = join(dir, 'bom.json');
    await writeFile(path, `\uFEFF${JSON.stringify({ reports: { sales: { guid: GUID } } })}`);
    const config = await loadGatewayConfig(path);
    assert.equal(config.reports.sales?.guid, GUID);
  });

  it('names the file and lists the problems', async () => {
    const path = join(dir, 'invalid.json');
    await writeFile(path, JSON.stringify({ reports: { sales: { guid: GUID, log: 1 } } }));
    await assert.rejects(loadGatewayConfig(path), (error: Error) => {
      assert.ok(error instanceof GatewayConfigError);
      assert.match(error.message, new RegExp(`^Gateway config ${path} is invalid:`));
      assert.deepEqual(error.problems, [
        'reports.sales.log: expected "none", "errors" or "full", got 1',
      ]);
      return true;
    });
  });
});

describe('readConnectEnv', () => {
  const KEY = 'k3y-Secret-Value-0123456789';

  it('normalizes the server URL', () => {
    const cases: Array<[string, string]> = [
      ['https://connect.example.com', 'https://connect.example.com'],
      ['https://connect.example.com/', 'https://connect.example.com'],
      ['https://connect.example.com/__api__', 'https://connect.example.com'],
      ['https://connect.example.com/__api__/', 'https://connect.example.com'],
      ['http://127.0.0.1:3939/rsc/', 'http://127.0.0.1:3939/rsc'],
      ['http://127.0.0.1:3939/rsc/__api__', 'http://127.0.0.1:3939/rsc'],
    ];
    for (const [server, expected] of cases) {
      const env = readConnectEnv({ CONNECT_SERVER: server, CONNECT_API_KEY: KEY });
      assert.deepEqual(env, { server: expected, apiKey: KEY }, server);
    }
  });

  it('names both missing variables', () => {
    const problems = problemsOf(() => readConnectEnv({}));
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^CONNECT_SERVER: not set; set it to the URL of your Connect/);
    assert.match(problems[1]!, /^CONNECT_API_KEY: not set; set it to an API key/);
  });

  it('rejects an empty key', () => {
    const problems = problemsOf(() =>
      readConnectEnv({ CONNECT_SERVER: 'https://c.example', CONNECT_API_KEY: '  ' }),
    );
    assert.deepEqual(problems.length, 1);
    assert.match(problems[0]!, /^CONNECT_API_KEY: not set/);
  });

  it('rejects invalid server URLs without echoing secrets', () => {
    const cases: Array<[string, RegExp]> = [
      ['connect.example.com', /not a valid absolute URL/],
      ['ftp://connect.example.com', /unsupported scheme "ftp:"/],
      [`https://user:${KEY}@connect.example.com`, /contains credentials/],
      [`https://connect.example.com/?token=${KEY}`, /contains a query string/],
      [`https://connect.example.com/#${KEY}`, /contains a fragment/],
    ];
    for (const [server, pattern] of cases) {
      assert.throws(
        () => readConnectEnv({ CONNECT_SERVER: server, CONNECT_API_KEY: KEY }),
        (error: Error) => {
          assert.ok(error instanceof GatewayConfigError);
          assert.match(error.message, /CONNECT_SERVER: /);
          assert.match(error.message, pattern);
          assert.ok(!error.message.includes(KEY), `message echoes a secret: ${error.message}`);
          return true;
        },
        server,
      );
    }
  });

  it('rejects a key with whitespace and never echoes it', () => {
    const key = `${KEY} ${KEY}`;
    assert.throws(
      () => readConnectEnv({ CONNECT_SERVER: 'https://c.example', CONNECT_API_KEY: key }),
      (error: Error) => {
        assert.match(error.message, /CONNECT_API_KEY: contains whitespace or control characters/);
        assert.ok(!error.message.includes(KEY));
        return true;
      },
    );
  });
});
