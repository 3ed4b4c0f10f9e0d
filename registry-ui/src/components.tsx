import type { ComponentChildren } from 'preact';
import { BASE, navigate } from './router';
import { tokenize } from './lib/highlight';
import { jsonLines, placeIssues } from './lib/json-lines';
import type { ValidationIssue } from './api';

/** An in-app link: a real anchor (keyboard, new tab) that navigates without reloading. */
export function Link(props: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={`${BASE}${props.to}`}
      class={props.class}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** A failure, announced to screen readers. */
export function ErrorBox(props: { error: unknown }) {
  if (!props.error) return null;
  return (
    <p class="error" role="alert">
      {props.error instanceof Error ? props.error.message : String(props.error)}
    </p>
  );
}

/** JSON or any text, highlighted; every piece is rendered as a text node, never as HTML. */
export function Highlighted(props: { text: string; label: string }) {
  return (
    <pre class="code" aria-label={props.label} tabIndex={0}>
      <code>
        {tokenize(props.text).map((token, index) =>
          token.kind === 'space' || token.kind === 'punctuation' ? (
            token.text
          ) : (
            <span key={index} class={`tok-${token.kind}`}>
              {token.text}
            </span>
          ),
        )}
      </code>
    </pre>
  );
}

/**
 * A JSON payload with each issue shown under the line of its path (or the nearest line
 * above it, for a field that is missing). `base` is the pointer of the event data inside
 * the payload (`/data` for a whole event).
 */
export function PayloadWithIssues(props: {
  value: unknown;
  issues: ValidationIssue[];
  base?: string;
  label: string;
}) {
  const lines = jsonLines(props.value);
  const placed = placeIssues(lines, props.issues, props.base ?? '');
  const unplaced = placed.get(-1) ?? [];
  return (
    <div class="payload" aria-label={props.label} role="group">
      <ol class="payload-lines">
        {lines.map((line, index) => {
          const issues = placed.get(index) ?? [];
          return (
            <li
              key={index}
              class={issues.length > 0 ? 'line has-issue' : 'line'}
              data-pointer={line.pointer}
            >
              <code>
                {'  '.repeat(line.depth)}
                {line.key !== undefined ? (
                  <>
                    <span class="tok-key">{JSON.stringify(line.key)}</span>
                    {': '}
                  </>
                ) : null}
                <span class="tok-value">{line.text}</span>
              </code>
              {issues.map((issue, n) => (
                <p key={n} class="issue" role="note">
                  <span class="issue-mark" aria-hidden="true">
                    ▲
                  </span>{' '}
                  <strong>{issue.path === '' ? '(whole payload)' : issue.path}</strong>:{' '}
                  {issue.message} <span class="keyword">[{issue.keyword}]</span>
                </p>
              ))}
            </li>
          );
        })}
      </ol>
      {unplaced.map((issue, n) => (
        <p key={n} class="issue" role="note">
          <strong>{issue.path}</strong>: {issue.message}{' '}
          <span class="keyword">[{issue.keyword}]</span>
        </p>
      ))}
    </div>
  );
}

/** A tiny bar chart of counts, drawn with SVG attributes (no inline styles). */
export function Trend(props: { counts: number[]; label: string }) {
  const max = Math.max(1, ...props.counts);
  const width = 4;
  return (
    <svg
      class="trend"
      role="img"
      aria-label={props.label}
      width={props.counts.length * width}
      height={20}
      viewBox={`0 0 ${props.counts.length * width} 20`}
    >
      {props.counts.map((count, index) => {
        const height = count === 0 ? 0 : Math.max(1, Math.round((count / max) * 20));
        return (
          <rect key={index} x={index * width} y={20 - height} width={width - 1} height={height} />
        );
      })}
    </svg>
  );
}

/** Parses text as JSON; undefined when it is not. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
