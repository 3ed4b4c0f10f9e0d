/** One line of pretty-printed JSON, with the JSON pointer of the value it opens or holds. */
export interface JsonLine {
  /** Nesting depth: two spaces each. */
  depth: number;
  /** The member name when the line is an object member. */
  key?: string;
  /** What follows the key: a scalar as JSON, `{`, `[`, `}`, `]`, `{}` or `[]`, with a trailing comma when one follows. */
  text: string;
  /** JSON pointer (RFC 6901) of the value this line opens or holds; closing lines repeat their opener's. */
  pointer: string;
  /** Whether the line only closes an object or array. */
  closing: boolean;
}

function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Pretty-prints a JSON value into lines, each knowing the pointer of its value. */
export function jsonLines(value: unknown, base = ''): JsonLine[] {
  const lines: JsonLine[] = [];
  const walk = (
    node: unknown,
    pointer: string,
    depth: number,
    key: string | undefined,
    comma: string,
  ) => {
    const member = key === undefined ? {} : { key };
    if (node !== null && typeof node === 'object') {
      const entries: [string, unknown][] = Array.isArray(node)
        ? node.map((item, index) => [String(index), item])
        : Object.entries(node as Record<string, unknown>);
      const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        lines.push({ depth, ...member, text: `${open}${close}${comma}`, pointer, closing: false });
        return;
      }
      lines.push({ depth, ...member, text: open, pointer, closing: false });
      entries.forEach(([name, child], index) => {
        walk(
          child,
          `${pointer}/${escapeSegment(name)}`,
          depth + 1,
          Array.isArray(node) ? undefined : name,
          index < entries.length - 1 ? ',' : '',
        );
      });
      lines.push({ depth, text: `${close}${comma}`, pointer, closing: true });
      return;
    }
    const text = node === undefined ? 'null' : JSON.stringify(node);
    lines.push({ depth, ...member, text: `${text}${comma}`, pointer, closing: false });
  };
  walk(value, base, 0, undefined, '');
  return lines;
}

/**
 * Places issues on the lines of their paths: the line that opens or holds the value at the
 * pointer, or, for a value that is not there (a missing required field), its nearest
 * ancestor. Answers, per line index, the issues placed there; issues that fit no line go
 * under -1.
 */
export function placeIssues<T extends { path: string }>(
  lines: JsonLine[],
  issues: T[],
  base = '',
): Map<number, T[]> {
  const byPointer = new Map<string, number>();
  lines.forEach((line, index) => {
    if (!line.closing && !byPointer.has(line.pointer)) byPointer.set(line.pointer, index);
  });
  const placed = new Map<number, T[]>();
  for (const issue of issues) {
    let pointer = `${base}${issue.path}`;
    let index = byPointer.get(pointer);
    while (index === undefined && pointer.length > base.length) {
      pointer = pointer.slice(0, Math.max(pointer.lastIndexOf('/'), 0));
      index = byPointer.get(pointer);
    }
    const at = index ?? -1;
    placed.set(at, [...(placed.get(at) ?? []), issue]);
  }
  return placed;
}
