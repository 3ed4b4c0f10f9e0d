import { useEffect, useState } from 'preact/hooks';
import { api, send } from '../api';
import type { SubjectSummary, ValidationIssue } from '../api';
import { ErrorBox, parseJson, PayloadWithIssues } from '../components';

interface Verdict {
  valid: boolean;
  parseError?: string;
  version?: number;
  schemaId?: number;
  issues: ValidationIssue[];
}

/** Pick an event type and version, paste a payload, see each validation error at its path. */
export function PlaygroundPage() {
  const [subjects, setSubjects] = useState<SubjectSummary[]>([]);
  const [event, setEvent] = useState('');
  const [version, setVersion] = useState('latest');
  const [payload, setPayload] = useState('{\n  \n}');
  const [verdict, setVerdict] = useState<Verdict | undefined>();
  const [checked, setChecked] = useState<unknown>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<{ subjects: SubjectSummary[] }>('/ui/api/subjects')
      .then((body) => {
        setSubjects(body.subjects);
        setEvent((current) => current || (body.subjects[0]?.subject ?? ''));
      })
      .catch(setError);
  }, []);
  const chosen = subjects.find((s) => s.subject === event);
  const validate = async () => {
    setError(undefined);
    try {
      const answer = await send<Verdict>('POST', '/ui/api/validate', {
        event,
        version: version === 'latest' ? 'latest' : Number(version),
        payload,
      });
      setVerdict(answer);
      setChecked(parseJson(payload)?.value);
    } catch (e) {
      setVerdict(undefined);
      setError(e);
    }
  };
  return (
    <section aria-labelledby="playground-title">
      <h1 id="playground-title">Playground</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void validate();
        }}
      >
        <p>
          <label for="pg-event">Event type</label>
          <select
            id="pg-event"
            value={event}
            onChange={(e) => {
              setEvent(e.currentTarget.value);
              setVersion('latest');
            }}
          >
            {subjects.map((s) => (
              <option key={s.subject} value={s.subject}>
                {s.subject}
              </option>
            ))}
          </select>
          <label for="pg-version">Version</label>
          <select
            id="pg-version"
            value={version}
            onChange={(e) => setVersion(e.currentTarget.value)}
          >
            <option value="latest">latest</option>
            {Array.from({ length: chosen?.latestVersion ?? 0 }, (_, i) => i + 1).map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </p>
        <p>
          <label for="pg-payload">Payload (the event data, JSON)</label>
          <textarea
            id="pg-payload"
            rows={12}
            spellcheck={false}
            value={payload}
            onInput={(e) => setPayload(e.currentTarget.value)}
          />
        </p>
        <button type="submit" disabled={event === ''}>
          Validate
        </button>
      </form>
      <ErrorBox error={error} />
      <div role="status" aria-live="polite">
        {verdict?.parseError ? (
          <p class="error">The payload is not JSON: {verdict.parseError}</p>
        ) : null}
        {verdict && !verdict.parseError ? (
          <p class={verdict.valid ? 'success' : 'error'}>
            {verdict.valid
              ? `Valid against ${event} version ${verdict.version} (schema id ${verdict.schemaId}).`
              : `${verdict.issues.length} validation error${verdict.issues.length === 1 ? '' : 's'} against ${event} version ${verdict.version} (schema id ${verdict.schemaId}).`}
          </p>
        ) : null}
      </div>
      {verdict && !verdict.parseError ? (
        <PayloadWithIssues
          value={checked}
          issues={verdict.issues}
          label="Payload with its validation errors"
        />
      ) : null}
    </section>
  );
}
