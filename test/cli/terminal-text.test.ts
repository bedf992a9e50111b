import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapseCarriageReturns, stripControlCharacters } from '../../src/cli/terminal-text.js';

describe('stripControlCharacters', () => {
  it('removes CSI sequences', () => {
    assert.equal(stripControlCharacters('\x1b[31mred\x1b[0m text'), 'red text');
    assert.equal(stripControlCharacters('a\x1b[2K\x1b[1Ab'), 'ab');
    assert.equal(stripControlCharacters('eight-bit \x9b31mcsi'), 'eight-bit csi');
  });

  it('removes OSC sequences', () => {
    assert.equal(stripControlCharacters('\x1b]0;new title\x07after'), 'after');
    assert.equal(stripControlCharacters('\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\'), 'link');
    assert.equal(stripControlCharacters('before\x1b]0;unterminated'), 'before');
  });

  it('removes other control characters', () => {
    assert.equal(stripControlCharacters('bell\x07 back\b cr\r nul\x00 del\x7f esc\x1bc'), 'bell back cr nul del esc');
    assert.equal(stripControlCharacters('line\nbreak'), 'linebreak');
  });

  it('keeps tabs and plain text', () => {
    assert.equal(stripControlCharacters('col1\tcol2 ünïcode 100%'), 'col1\tcol2 ünïcode 100%');
  });
});

describe('collapseCarriageReturns', () => {
  const cases: [string, string][] = [
    ['old\rnew', 'new'],
    ['old\rnew\r', 'new'],
    ['old\rnew\r\r', 'new'],
    ['first\rsecond\rthird  ', 'third'],
    ['\r', ''],
    ['bar\r          ', ''],
    ['  no carriage return  ', '  no carriage return  '],
  ];
  for (const [line, expected] of cases) {
    it(`turns ${JSON.stringify(line)} into ${JSON.stringify(expected)}`, () => {
      assert.equal(collapseCarriageReturns(line), expected);
    });
  }
});
