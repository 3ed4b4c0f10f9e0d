import { useEffect, useRef, useState } from 'preact/hooks';
import { api, BAD_EVENT_KINDS, send } from '../api';
import type { BadEventGroups, BadEventSummary, RecoveryReport } from '../api';
import { ErrorBox, Link, Trend } from '../components';

const PAGE = 50;

interface Filter {
  since: string;
  until: string;
  event: string;
  kind: string;
  q: string;
}

const empty: Filter = { since: '', until: '', event: '', kind: '', q: '' };

function query(filter: Filter): URLSearchParams {
  const params = new URLSearchParams();
  // datetime-local inputs are local times; the API takes ISO times.
  if (filter.since) params.set('since', new Date(filter.since).toISOString());
  if (filter.until) params.set('until', new Date(filter.until).toISOString());
  if (filter.event.trim()) params.set('event', filter.event.trim());
  if (filter.kind) params.set('kind', filter.kind);
  if (filter.q.trim()) params.set('q', filter.q.trim());
  return params;
}

/** The recovery result: counts and every event's outcome. */
export function RecoveryResult(props: { report: RecoveryReport }) {
  const { report } = props;
  return (
    <div class="recovery" role="status" aria-live="polite">
      <h2>Recovery result</h2>
      <p>
        {report.recovered} recovered (sent on as good events), {report.stillBad} still bad,{' '}
        {report.skipped} skipped.
      </p>
      <ul>
        {report.events.map((outcome) => (
          <li key={outcome.id}>
            <code>{outcome.id}</code> {outcome.event ?? ''}:{' '}
            {outcome.status === 'recovered'
              ? 'recovered'
              : outcome.status === 'still_bad'
                ? `still bad (${outcome.now}): ${outcome.reason}`
                : `skipped: ${outcome.reason}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The bad-events explorer: filter, groups by message with a trend, a paged list, recovery of chosen events. */
export function BadEventsPage() {
  const [draft, setDraft] = useState<Filter>(empty);
  const [filter, setFilter] = useState<Filter>(empty);
  // The cursor of each page after the first, as opened: paging costs the same at any depth.
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const offset = cursors.length * PAGE;
  const [page, setPage] = useState<
    { total: number; events: BadEventSummary[]; next?: string } | undefined
  >();
  const [groups, setGroups] = useState<BadEventGroups | undefined>();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [report, setReport] = useState<RecoveryReport | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  // Answers to an older filter that arrive late must not replace the current ones.
  const latest = useRef(0);
  const load = () => {
    const params = query(filter);
    const list = new URLSearchParams(params);
    if (after !== undefined) list.set('after', after);
    list.set('size', String(PAGE));
    setError(undefined);
    const request = ++latest.current;
    function current<T>(apply: (value: T) => void): (value: T) => void {
      return (value) => {
        if (request === latest.current) apply(value);
      };
    }
    return Promise.all([
      api<{ total: number; events: BadEventSummary[]; next?: string }>(
        `/ui/api/bad-events?${list.toString()}`,
      ).then(current(setPage)),
      api<BadEventGroups>(`/ui/api/bad-events/groups?${params.toString()}`).then(
        current(setGroups),
      ),
    ]).catch(current(setError));
  };
  useEffect(() => {
    void load();
  }, [filter, cursors]);

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const recover = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setReport(
        await send<RecoveryReport>('POST', '/ui/api/bad-events/recover', { ids: [...selected] }),
      );
      setSelected(new Set());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const set = (name: keyof Filter) => (event: { currentTarget: { value: string } }) =>
    setDraft({ ...draft, [name]: event.currentTarget.value });

  return (
    <section aria-labelledby="bad-title">
      <h1 id="bad-title">Bad events</h1>
      <form
        class="filters"
        aria-label="Filter bad events"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([]);
          setSelected(new Set());
          setFilter({ ...draft });
        }}
      >
        <span>
          <label for="bad-since">Since</label>
          <input id="bad-since" type="datetime-local" value={draft.since} onInput={set('since')} />
        </span>
        <span>
          <label for="bad-until">Until</label>
          <input id="bad-until" type="datetime-local" value={draft.until} onInput={set('until')} />
        </span>
        <span>
          <label for="bad-event">Event type</label>
          <input
            id="bad-event"
            value={draft.event}
            onInput={set('event')}
            placeholder="com.acme.page_view"
          />
        </span>
        <span>
          <label for="bad-kind">Kind</label>
          <select id="bad-kind" value={draft.kind} onChange={set('kind')}>
            <option value="">any kind</option>
            {BAD_EVENT_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </span>
        <span>
          <label for="bad-q">Text</label>
          <input
            id="bad-q"
            type="search"
            value={draft.q}
            onInput={set('q')}
            placeholder="words in messages or payloads"
          />
        </span>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorBox error={error} />

      <h2>By error message</h2>
      {groups ? (
        <table class="groups">
          <caption>
            {groups.total} bad events; trend in {groups.buckets.length} steps of{' '}
            {Math.round(groups.bucketMs / 60000)} min
          </caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Count</th>
              <th scope="col">Trend</th>
              <th scope="col">Event types</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {groups.groups.map((group) => (
              <tr key={group.message}>
                <th scope="row" class="message">
                  {group.message}
                </th>
                <td>{group.count}</td>
                <td>
                  <Trend
                    counts={group.trend}
                    label={`Trend of ${group.count} events: ${group.trend.join(', ')}`}
                  />
                </td>
                <td>{group.eventTypes.join(', ')}</td>
                <td>
                  <button
                    type="button"
                    class="link"
                    aria-label={`Show the events with: ${group.message}`}
                    onClick={() => {
                      const next = { ...filter, q: group.message };
                      setDraft(next);
                      setCursors([]);
                      setSelected(new Set());
                      setFilter(next);
                    }}
                  >
                    Show
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      <h2>Events</h2>
      {page ? (
        <>
          <p>
            <button
              type="button"
              disabled={selected.size === 0 || busy}
              onClick={() => void recover()}
            >
              Recover selected ({selected.size})
            </button>
          </p>
          <table class="bad-list">
            <caption>
              {page.total === 0
                ? 'No bad events match.'
                : `${offset + 1}–${offset + page.events.length} of ${page.total}, newest first`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Select</th>
                <th scope="col">Received</th>
                <th scope="col">Event type</th>
                <th scope="col">Kind</th>
                <th scope="col">Reason</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((bad) => (
                <tr key={bad.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select bad event ${bad.id}`}
                      checked={selected.has(bad.id)}
                      onChange={() => toggle(bad.id)}
                    />
                  </td>
                  <td>{bad.receivedAt}</td>
                  <td>
                    {bad.event ?? '–'}
                    {bad.version !== undefined ? ` v${bad.version}` : ''}
                  </td>
                  <td>{bad.kind}</td>
                  <td class="message">
                    {bad.message}
                    {bad.errorCount > 1 ? ` (+${bad.errorCount - 1} more)` : ''}
                  </td>
                  <td>
                    <Link to={`/bad-events/${encodeURIComponent(bad.id)}`}>
                      Details of {bad.id.slice(0, 8)}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav aria-label="Pages" class="pager">
            <button
              type="button"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Newer
            </button>{' '}
            <button
              type="button"
              disabled={page.next === undefined}
              onClick={() => page.next !== undefined && setCursors([...cursors, page.next])}
            >
              Older
            </button>
          </nav>
        </>
      ) : null}
      {report ? <RecoveryResult report={report} /> : null}
    </section>
  );
}
