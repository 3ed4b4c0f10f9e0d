import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { SubjectSummary } from '../api';
import { ErrorBox, Link } from '../components';

/** Every subject, searchable: event type, schema type, latest version, compatibility level, last change. */
export function SubjectsPage() {
  const [subjects, setSubjects] = useState<SubjectSummary[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [query, setQuery] = useState('');
  useEffect(() => {
    api<{ subjects: SubjectSummary[] }>('/ui/api/subjects')
      .then((body) => setSubjects(body.subjects))
      .catch(setError);
  }, []);
  const shown = (subjects ?? [])
    .filter((s) => s.subject.toLowerCase().includes(query.trim().toLowerCase()))
    .sort((a, b) => b.latestId - a.latestId);
  return (
    <section aria-labelledby="subjects-title">
      <h1 id="subjects-title">Subjects</h1>
      <p>
        <Link to="/register" class="button">
          Register a schema
        </Link>
      </p>
      <label for="subject-search">Search event types</label>
      <input
        id="subject-search"
        type="search"
        value={query}
        onInput={(event) => setQuery(event.currentTarget.value)}
      />
      <ErrorBox error={error} />
      {subjects === undefined && !error ? <p role="status">Loading…</p> : null}
      {subjects !== undefined ? (
        <table>
          <caption>
            {shown.length} of {subjects.length} subjects, most recently changed first
          </caption>
          <thead>
            <tr>
              <th scope="col">Event type</th>
              <th scope="col">Schema type</th>
              <th scope="col">Latest version</th>
              <th scope="col">Versions</th>
              <th scope="col">Compatibility</th>
              <th scope="col">Last change (schema id)</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((s) => (
              <tr key={s.subject}>
                <th scope="row">
                  <Link to={`/subjects/${encodeURIComponent(s.subject)}`}>{s.subject}</Link>
                </th>
                <td>{s.schemaType}</td>
                <td>{s.latestVersion}</td>
                <td>{s.versionCount}</td>
                <td>{s.compatibility}</td>
                <td>{s.latestId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
