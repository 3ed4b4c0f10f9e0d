/** One line of a diff: kept, removed (only in the old text) or added (only in the new one). */
export interface DiffLine {
  op: 'same' | 'removed' | 'added';
  text: string;
  /** Line number in the old text (kept and removed lines). */
  oldLine?: number;
  /** Line number in the new text (kept and added lines). */
  newLine?: number;
}

/** A line diff of two texts by longest common subsequence; removals come before additions. */
export function diffLines(oldText: string, newText: string): DiffLine[] {
  const a = oldText.split('\n');
  const b = newText.split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        a[i] === b[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: 'same', text: a[i] as string, oldLine: i + 1, newLine: j + 1 });
      i++;
      j++;
    } else if (
      j >= m ||
      (i < n && (lcs[i + 1] as Uint32Array)[j]! >= (lcs[i] as Uint32Array)[j + 1]!)
    ) {
      out.push({ op: 'removed', text: a[i] as string, oldLine: i + 1 });
      i++;
    } else {
      out.push({ op: 'added', text: b[j] as string, newLine: j + 1 });
      j++;
    }
  }
  return out;
}

/** A schema's text, pretty-printed when it is JSON (Avro and JSON Schema both are), as it is otherwise. */
export function prettySchema(schema: string): string {
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}
