import { useEffect, useState } from 'preact/hooks';
import { api, send } from '../api';
import type { BadEvent, RecoveryReport } from '../api';
import { ErrorBox, parseJson, PayloadWithIssues } from '../components';
import { RecoveryResult } from './bad-events';

/** Where the event data sits in a payload: `/data` for an event envelope, the whole payload otherwise. */
function dataBase(value: unknown): string {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'data' in value
    ? '/data'
    : '';
}

/** One bad event: its errors beside the original payload, and recovery. */
export function BadEventPage(props: { id: string }) {
  const [bad, setBad] = useState<BadEvent | undefined>();
  const [error, setError] = useState<unknown>();
  const [report, setReport] = useState<RecoveryReport | undefined>();
  useEffect(() => {
    api<BadEvent>(`/ui/api/bad-events/${encodeURIComponent(props.id)}`)
      .then(setBad)
      .catch(setError);
  }, [props.id]);
  const recover = async () => {
    setError(undefined);
    try {
      setReport(
        await send<RecoveryReport>('POST', '/ui/api/bad-events/recover', { ids: [props.id] }),
      );
    } catch (e) {
      setError(e);
    }
  };
  if (!bad) {
    return (
      <section>
        <h1>Bad event {props.id}</h1>
        <ErrorBox error={error} />
        {!error ? <p role="status">Loading…</p> : null}
      </section>
    );
  }
  const parsed = parseJson(bad.payload);
  return (
    <section aria-labelledby="bad-event-title">
      <h1 id="bad-event-title">Bad event {bad.id}</h1>
      <dl class="facts">
        <dt>Event type</dt>
        <dd>
          {bad.event ?? '–'}
          {bad.version !== undefined ? ` version ${bad.version}` : ''}
        </dd>
        <dt>Kind</dt>
        <dd>{bad.kind}</dd>
        <dt>Stage</dt>
        <dd>{bad.stage}</dd>
        <dt>Received</dt>
        <dd>{bad.received_at}</dd>
        <dt>Source</dt>
        <dd>
          {bad.source.endpoint} {bad.source.ip ?? ''} {bad.source.user_agent ?? ''}
        </dd>
      </dl>
      <p>
        <button type="button" onClick={() => void recover()}>
          Recover this event
        </button>
      </p>
      <ErrorBox error={error} />
      {report ? <RecoveryResult report={report} /> : null}
      <div class="side-by-side">
        <div>
          <h2>Errors</h2>
          {bad.errors.length === 0 ? <p>No error details: {bad.kind}.</p> : null}
          <ul class="errors">
            {bad.errors.map((issue, index) => (
              <li key={index}>
                <strong>{issue.path === '' ? '(whole event)' : issue.path}</strong>: {issue.message}{' '}
                <span class="keyword">[{issue.keyword}]</span>
                {issue.expected !== undefined ? <span> expected {issue.expected}</span> : null}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h2>Original payload</h2>
          {parsed ? (
            <PayloadWithIssues
              value={parsed.value}
              issues={bad.errors}
              base={dataBase(parsed.value)}
              label="Original payload with its errors"
            />
          ) : (
            <pre class="code" aria-label="Original payload" tabIndex={0}>
              {bad.payload}
            </pre>
          )}
        </div>
      </div>
    </section>
  );
}
