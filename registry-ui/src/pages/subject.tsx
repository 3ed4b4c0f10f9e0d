import { useEffect, useState } from 'preact/hooks';
import { api, REGISTRY, REGISTRY_JSON, send } from '../api';
import type { SubjectDetail } from '../api';
import { ErrorBox, Highlighted, Link } from '../components';
import { diffLines, prettySchema } from '../lib/diff';

const LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

/** One subject: every version, the chosen one highlighted, a diff of any two, level and soft delete. */
export function SubjectPage(props: { subject: string }) {
  const [detail, setDetail] = useState<SubjectDetail | undefined>();
  const [error, setError] = useState<unknown>();
  const [shown, setShown] = useState<number | undefined>();
  const [from, setFrom] = useState<number | undefined>();
  const [to, setTo] = useState<number | undefined>();
  const [level, setLevel] = useState('');
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState<number | undefined>();

  const load = () =>
    api<SubjectDetail>(`/ui/api/subjects/${encodeURIComponent(props.subject)}`)
      .then((body) => {
        setDetail(body);
        setLevel(body.compatibility);
        const versions = body.versions.map((v) => v.version);
        const latest = versions[versions.length - 1];
        setShown((current) =>
          current !== undefined && versions.includes(current) ? current : latest,
        );
        setFrom((current) => current ?? versions[versions.length - 2] ?? latest);
        setTo((current) => current ?? latest);
      })
      .catch(setError);
  useEffect(() => {
    setDetail(undefined);
    setShown(undefined);
    setFrom(undefined);
    setTo(undefined);
    void load();
  }, [props.subject]);

  const subjectPath = encodeURIComponent(props.subject);
  const saveLevel = async () => {
    setError(undefined);
    try {
      await send(
        'PUT',
        `${REGISTRY}/config/${subjectPath}`,
        { compatibility: level },
        REGISTRY_JSON,
      );
      await load();
      setNotice(`Compatibility level set to ${level}.`);
    } catch (e) {
      setError(e);
    }
  };
  const softDelete = async (version: number) => {
    setError(undefined);
    try {
      await api(`${REGISTRY}/subjects/${subjectPath}/versions/${version}`, { method: 'DELETE' });
      setConfirming(undefined);
      await load();
      setNotice(`Version ${version} soft-deleted.`);
    } catch (e) {
      setError(e);
    }
  };

  if (!detail) {
    return (
      <section>
        <h1>{props.subject}</h1>
        <ErrorBox error={error} />
        {!error ? <p role="status">Loading…</p> : null}
      </section>
    );
  }
  const version = detail.versions.find((v) => v.version === shown);
  const a = detail.versions.find((v) => v.version === from);
  const b = detail.versions.find((v) => v.version === to);
  const diff = a && b ? diffLines(prettySchema(a.schema), prettySchema(b.schema)) : [];
  return (
    <section aria-labelledby="subject-title">
      <h1 id="subject-title">{detail.subject}</h1>
      <p>
        <Link to={`/register?subject=${subjectPath}`} class="button">
          Register a new version
        </Link>
      </p>
      <ErrorBox error={error} />
      <p role="status" class="notice">
        {notice}
      </p>

      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void saveLevel();
        }}
      >
        <label for="level">Compatibility level</label>
        <select id="level" value={level} onChange={(event) => setLevel(event.currentTarget.value)}>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <button type="submit">Save level</button>
      </form>

      <h2>Versions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Schema id</th>
            <th scope="col">Type</th>
            <th scope="col">Referenced by</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {detail.versions.map((v) => (
            <tr key={v.version} class={v.version === shown ? 'selected' : ''}>
              <th scope="row">
                <button
                  type="button"
                  class="link"
                  aria-pressed={v.version === shown}
                  onClick={() => setShown(v.version)}
                >
                  Version {v.version}
                </button>
              </th>
              <td>{v.id}</td>
              <td>{v.schemaType}</td>
              <td>
                {v.referencedBy.length === 0
                  ? 'none'
                  : v.referencedBy.map((r) => `${r.subject} v${r.version}`).join(', ')}
              </td>
              <td>{v.deleted ? 'soft-deleted' : 'live'}</td>
              <td>
                {v.deleted ? null : confirming === v.version ? (
                  <span role="alertdialog" aria-label={`Confirm deleting version ${v.version}`}>
                    Soft-delete version {v.version}?{' '}
                    <button type="button" class="danger" onClick={() => void softDelete(v.version)}>
                      Yes, soft-delete version {v.version}
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(undefined)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button type="button" onClick={() => setConfirming(v.version)}>
                    Delete version {v.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {version ? (
        <>
          <h2>
            Version {version.version} (schema id {version.id})
          </h2>
          {version.references.length > 0 ? (
            <p>
              References:{' '}
              {version.references.map((r) => `${r.name} → ${r.subject} v${r.version}`).join(', ')}
            </p>
          ) : null}
          <Highlighted
            text={prettySchema(version.schema)}
            label={`Schema of version ${version.version}`}
          />
        </>
      ) : null}

      <h2>Diff</h2>
      <form class="inline" onSubmit={(event) => event.preventDefault()}>
        <label for="diff-from">From version</label>
        <select
          id="diff-from"
          value={String(from)}
          onChange={(event) => setFrom(Number(event.currentTarget.value))}
        >
          {detail.versions.map((v) => (
            <option key={v.version} value={String(v.version)}>
              {v.version}
            </option>
          ))}
        </select>
        <label for="diff-to">To version</label>
        <select
          id="diff-to"
          value={String(to)}
          onChange={(event) => setTo(Number(event.currentTarget.value))}
        >
          {detail.versions.map((v) => (
            <option key={v.version} value={String(v.version)}>
              {v.version}
            </option>
          ))}
        </select>
      </form>
      <pre class="code diff" aria-label={`Diff from version ${from} to version ${to}`} tabIndex={0}>
        {diff.map((line, index) => (
          <div key={index} class={`diff-${line.op}`}>
            <span class="diff-sign" aria-label={line.op === 'same' ? undefined : line.op}>
              {line.op === 'added' ? '+' : line.op === 'removed' ? '-' : ' '}
            </span>{' '}
            {line.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
