import { useState } from 'preact/hooks';
import { REGISTRY, REGISTRY_JSON, send } from '../api';
import type { CompatibilityVerdict } from '../api';
import { ErrorBox, Link } from '../components';

const verdictText: Record<CompatibilityVerdict['verdict'], string> = {
  new_subject: 'New subject: nothing to be compatible with yet.',
  compatible: 'Compatible',
  incompatible: 'Incompatible',
  invalid: 'The registry refuses this schema',
  already_registered: 'Already registered',
};

/** Paste or upload a schema, see the compatibility verdict with the registry's reasons, then register. */
export function RegisterPage(props: { subject?: string }) {
  const [subject, setSubject] = useState(props.subject ?? '');
  const [schemaType, setSchemaType] = useState('AVRO');
  const [schema, setSchema] = useState('');
  const [verdict, setVerdict] = useState<CompatibilityVerdict | undefined>();
  const [registered, setRegistered] = useState<{ id: number; subject: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const changed = () => {
    setVerdict(undefined);
    setRegistered(undefined);
  };
  const check = async () => {
    setError(undefined);
    setRegistered(undefined);
    setBusy(true);
    try {
      setVerdict(
        await send<CompatibilityVerdict>(
          'POST',
          `/ui/api/subjects/${encodeURIComponent(subject.trim())}/check`,
          { schema, schemaType },
        ),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const register = async () => {
    setError(undefined);
    setBusy(true);
    try {
      const answer = await send<{ id: number }>(
        'POST',
        `${REGISTRY}/subjects/${encodeURIComponent(subject.trim())}/versions`,
        { schema, ...(schemaType === 'AVRO' ? {} : { schemaType }) },
        REGISTRY_JSON,
      );
      setRegistered({ id: answer.id, subject: subject.trim() });
      setVerdict(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setSchema(await file.text());
    if (file.name.endsWith('.json')) setSchemaType('JSON');
    if (file.name.endsWith('.avsc')) setSchemaType('AVRO');
    changed();
  };
  const canRegister =
    verdict !== undefined &&
    (verdict.verdict === 'compatible' || verdict.verdict === 'new_subject');

  return (
    <section aria-labelledby="register-title">
      <h1 id="register-title">Register a schema</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void check();
        }}
      >
        <p>
          <label for="register-subject">Event type (subject)</label>
          <input
            id="register-subject"
            required
            value={subject}
            placeholder="com.acme.checkout_completed"
            onInput={(event) => {
              setSubject(event.currentTarget.value);
              changed();
            }}
          />
        </p>
        <p>
          <label for="register-type">Schema type</label>
          <select
            id="register-type"
            value={schemaType}
            onChange={(event) => {
              setSchemaType(event.currentTarget.value);
              changed();
            }}
          >
            <option value="AVRO">AVRO</option>
            <option value="JSON">JSON</option>
          </select>
        </p>
        <p>
          <label for="register-schema">Schema</label>
          <textarea
            id="register-schema"
            required
            rows={14}
            spellcheck={false}
            value={schema}
            onInput={(event) => {
              setSchema(event.currentTarget.value);
              changed();
            }}
          />
        </p>
        <p>
          <label for="register-file">Or upload a schema file (.avsc, .json)</label>
          <input
            id="register-file"
            type="file"
            accept=".avsc,.json,application/json"
            onChange={(event) => void upload(event.currentTarget.files?.[0])}
          />
        </p>
        <p>
          <button type="submit" disabled={busy || subject.trim() === '' || schema.trim() === ''}>
            Check compatibility
          </button>{' '}
          <button type="button" disabled={busy || !canRegister} onClick={() => void register()}>
            Register
          </button>
        </p>
      </form>
      <ErrorBox error={error} />
      <div role="status" aria-live="polite" class="verdict-region">
        {verdict ? (
          <div class={`verdict verdict-${verdict.verdict}`}>
            <h2>
              {verdictText[verdict.verdict]}
              {verdict.verdict === 'already_registered' && verdict.version !== undefined
                ? ` as version ${verdict.version}`
                : ''}{' '}
              (level {verdict.compatibility})
            </h2>
            {verdict.messages.length > 0 ? (
              <ul class="reasons">
                {verdict.messages.map((message, index) => (
                  <li key={index}>{message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {registered ? (
          <p class="success">
            Registered under {registered.subject} with schema id {registered.id}.{' '}
            <Link to={`/subjects/${encodeURIComponent(registered.subject)}`}>See the subject</Link>
          </p>
        ) : null}
      </div>
    </section>
  );
}
