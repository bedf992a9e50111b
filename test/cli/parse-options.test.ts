import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, parseOptions, suggestOptions } from '../../src/cli/parse-options.js';
import { UsageError } from '../../src/cli/options.js';

const RENDER_OPTIONS = {
  gateway: { type: 'string' },
  variant: { type: 'string' },
  timeout: { type: 'string' },
  'no-wait': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Parses `args` with the render command's options and returns the UsageError's message. */
function usageMessage(args: string[], allowPositionals = true): string {
  try {
    parseOptions({ args, options: RENDER_OPTIONS, allowPositionals });
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`no error for ${JSON.stringify(args)}`);
}

describe('editDistance', () => {
  const cases: [string, string, number][] = [
    ['timeout', 'timeout', 0],
    ['timout', 'timeout', 1],
    ['tiemout', 'timeout', 1],
    ['timeoutt', 'timeout', 1],
    ['post', 'port', 1],
    ['wait', 'no-wait', 3],
    ['', 'json', 4],
  ];
  for (const [a, b, expected] of cases) {
    it(`counts ${expected} from ${a || '""'} to ${b}`, () => {
      assert.equal(editDistance(a, b), expected);
    });
  }
});

describe('suggestOptions', () => {
  const known = Object.keys(RENDER_OPTIONS);

  it('suggests the closest option', () => {
    assert.deepEqual(suggestOptions('timout', known), ['timeout']);
    assert.deepEqual(suggestOptions('gatway', known), ['gateway']);
    assert.deepEqual(suggestOptions('jsno', known), ['json']);
    assert.deepEqual(suggestOptions('TIMEOUT', known), ['timeout']);
  });

  it('lists every option at equal distance', () => {
    assert.deepEqual(suggestOptions('post', ['host', 'port']), ['host', 'port']);
  });

  it('suggests nothing far away', () => {
    assert.deepEqual(suggestOptions('wait', known), []);
    assert.deepEqual(suggestOptions('x', known), []);
    assert.deepEqual(suggestOptions('verbose', known), []);
  });
});

describe('parseOptions', () => {
  it('returns the parsed values', () => {
    const { values, positionals } = parseOptions({
      args: ['sales', '--timeout', '5', '--json'], options: RENDER_OPTIONS, allowPositionals: true,
    });
    assert.equal(values.timeout, '5');
    assert.equal(values.json, true);
    assert.deepEqual(positionals, ['sales']);
  });

  it('suggests a close option', () => {
    assert.equal(usageMessage(['sales', '--timout', '5']), 'Unknown option --timout. Did you mean --timeout?');
  });

  it('never shows an unknown option\'s value', () => {
    const message = usageMessage(['--tokn=secret-value']);
    assert.equal(message, 'Unknown option --tokn.');
  });

  it('names a single-dash word whole', () => {
    assert.equal(usageMessage(['-timeout', '5']), 'Unknown option -timeout. Did you mean --timeout?');
    assert.equal(usageMessage(['-timeout=5']), 'Unknown option -timeout. Did you mean --timeout?');
    assert.equal(usageMessage(['-x']), 'Unknown option -x.');
  });

  it('hides a value stuck to a short option', () => {
    assert.equal(usageMessage(['sales', '-Tmy-s3cret-token']), 'Unknown option -T.');
    assert.equal(usageMessage(['sales', '-aSECRETVALUE']), 'Unknown option -a.');
  });

  it('rejects a missing value', () => {
    assert.equal(usageMessage(['sales', '--gateway']), 'Missing value for --gateway.');
    const message = usageMessage(['sales', '--timeout', '--json']);
    assert.match(message, /^Missing value for --timeout, which is followed by an option\./);
    assert.match(message, /write --timeout=VALUE\.$/);
  });

  it('accepts a dash value after an equals sign', () => {
    const { values } = parseOptions({ args: ['--variant=-a'], options: RENDER_OPTIONS });
    assert.equal(values.variant, '-a');
  });

  it('rejects a value for a flag', () => {
    assert.equal(usageMessage(['sales', '--json=yes']), '--json takes no value.');
  });

  it('rejects a positional argument where none is taken', () => {
    assert.equal(usageMessage(['extra'], false), 'Unexpected argument "extra": this command takes options only.');
  });

  it('leaves arguments after -- alone', () => {
    const { positionals } = parseOptions({ args: ['--', '--timout'], options: RENDER_OPTIONS, allowPositionals: true });
    assert.deepEqual(positionals, ['--timout']);
  });
});
