import { jsonLines, placeIssues } from '../src/lib/json-lines';

describe('jsonLines', () => {
  it('pretty-prints a value line by line with the pointer of each value', () => {
    const lines = jsonLines({ a: 1, 'b/c': [true, { d: null }], e: {} });
    expect(lines.map((l) => [`${'  '.repeat(l.depth)}${l.key ?? ''}${l.text}`, l.pointer])).toEqual(
      [
        ['{', ''],
        ['  a1,', '/a'],
        ['  b/c[', '/b~1c'],
        ['    true,', '/b~1c/0'],
        ['    {', '/b~1c/1'],
        ['      dnull', '/b~1c/1/d'],
        ['    }', '/b~1c/1'],
        ['  ],', '/b~1c'],
        ['  e{}', '/e'],
        ['}', ''],
      ],
    );
  });

  it('keeps markup in strings as the JSON text of the string', () => {
    const [, line] = jsonLines({ note: '<script>alert(1)</script>' });
    expect(line?.text).toBe('"<script>alert(1)</script>"');
  });
});

describe('placeIssues', () => {
  const lines = jsonLines({ event: 'x', data: { items: [{ price: -1 }], path: 42 } });

  it('puts an issue on the line of its path, under the base of the event data', () => {
    const placed = placeIssues(lines, [{ path: '/items/0/price' }, { path: '/path' }], '/data');
    const at = (pointer: string) => lines.findIndex((l) => l.pointer === pointer);
    expect(placed.get(at('/data/items/0/price'))).toEqual([{ path: '/items/0/price' }]);
    expect(placed.get(at('/data/path'))).toEqual([{ path: '/path' }]);
  });

  it('puts an issue about a missing member on the nearest line above it', () => {
    const placed = placeIssues(lines, [{ path: '/items/0/currency' }], '/data');
    const at = lines.findIndex((l) => l.pointer === '/data/items/0' && !l.closing);
    expect(placed.get(at)).toEqual([{ path: '/items/0/currency' }]);
  });

  it('puts an issue about the whole data on the line that opens it', () => {
    const placed = placeIssues(lines, [{ path: '' }], '/data');
    expect(placed.get(lines.findIndex((l) => l.pointer === '/data'))).toEqual([{ path: '' }]);
  });

  it('keeps issues that fit no line apart', () => {
    const placed = placeIssues(jsonLines([1]), [{ path: '/x' }], '/data');
    expect(placed.get(-1)).toEqual([{ path: '/x' }]);
  });
});
