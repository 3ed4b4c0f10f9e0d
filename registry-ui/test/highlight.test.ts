import { tokenize } from '../src/lib/highlight';

describe('tokenize', () => {
  it('tells keys, strings, numbers and literals apart', () => {
    const tokens = tokenize('{"a": "b", "n": -1.5e3, "t": true, "z": null}').filter(
      (t) => t.kind !== 'space' && t.kind !== 'punctuation',
    );
    expect(tokens).toEqual([
      { kind: 'key', text: '"a"' },
      { kind: 'string', text: '"b"' },
      { kind: 'key', text: '"n"' },
      { kind: 'number', text: '-1.5e3' },
      { kind: 'key', text: '"t"' },
      { kind: 'literal', text: 'true' },
      { kind: 'key', text: '"z"' },
      { kind: 'literal', text: 'null' },
    ]);
  });

  it('gives any text back whole, broken JSON and markup included', () => {
    for (const text of ['{"a": "unterminated', '<img src=x onerror=alert(1)>', '"\\"" : x\n']) {
      expect(
        tokenize(text)
          .map((t) => t.text)
          .join(''),
      ).toBe(text);
    }
  });
});
