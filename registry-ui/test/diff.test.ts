import { diffLines, prettySchema } from '../src/lib/diff';

describe('diffLines', () => {
  it('marks lines only in the new text as added and only in the old as removed', () => {
    expect(diffLines('a\nb\nc', 'a\nc\nd')).toEqual([
      { op: 'same', text: 'a', oldLine: 1, newLine: 1 },
      { op: 'removed', text: 'b', oldLine: 2 },
      { op: 'same', text: 'c', oldLine: 3, newLine: 2 },
      { op: 'added', text: 'd', newLine: 3 },
    ]);
  });

  it('shows no change for equal texts', () => {
    expect(diffLines('x\ny', 'x\ny').every((line) => line.op === 'same')).toBe(true);
  });

  it('finds the one field a new schema version adds', () => {
    const v1 = prettySchema(
      '{"type":"record","name":"a","fields":[{"name":"id","type":"string"}]}',
    );
    const v2 = prettySchema(
      '{"type":"record","name":"a","fields":[{"name":"id","type":"string"},{"name":"n","type":"int"}]}',
    );
    const changed = diffLines(v1, v2).filter((line) => line.op !== 'same');
    expect(changed.map((line) => `${line.op} ${line.text.trim()}`)).toEqual([
      'added },',
      'added {',
      'added "name": "n",',
      'added "type": "int"',
    ]);
  });
});

describe('prettySchema', () => {
  it('indents JSON and leaves other text as it is', () => {
    expect(prettySchema('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettySchema('not json')).toBe('not json');
  });
});
