/** A piece of JSON text and what it is, for highlighting. */
export interface Token {
  kind: 'key' | 'string' | 'number' | 'literal' | 'punctuation' | 'space' | 'other';
  text: string;
}

const pattern =
  /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(\btrue\b|\bfalse\b|\bnull\b)|([{}[\],:])|(\s+)|([^"\s{}[\],:]+|[\s\S])/g;

/** Splits JSON text (any text: it never fails) into tokens; joining their texts gives the input back. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(pattern)) {
    const [, string, colon, number, literal, punctuation, space, other] = match;
    if (string !== undefined) {
      tokens.push({ kind: colon ? 'key' : 'string', text: string });
      if (colon) tokens.push({ kind: 'punctuation', text: colon });
    } else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (literal !== undefined) tokens.push({ kind: 'literal', text: literal });
    else if (punctuation !== undefined) tokens.push({ kind: 'punctuation', text: punctuation });
    else if (space !== undefined) tokens.push({ kind: 'space', text: space });
    else tokens.push({ kind: 'other', text: other ?? '' });
  }
  return tokens;
}
