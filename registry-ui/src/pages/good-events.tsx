import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { GoodEvent } from '../api';
import { ErrorBox } from '../components';

const KEEP = 200;

/** Good events as they arrive (server-sent events), filtered by event type, with counts by type. */
export function GoodEventsPage() {
  const [draft, setDraft] = useState('');
  const [eventType, setEventType] = useState('');
  const [events, setEvents] = useState<GoodEvent[]>([]);
  const [counts, setCounts] = useState<{ event: string; count: number }[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    setEvents([]);
    const params = new URLSearchParams();
    if (eventType) params.set('event', eventType);
    const source = new EventSource(`/ui/api/good-events/stream?${params.toString()}`);
    source.addEventListener('open', () => setLive(true));
    source.addEventListener('error', () => setLive(false));
    source.addEventListener('problem', (message) => {
      setError(new Error(JSON.parse((message as MessageEvent<string>).data) as string));
    });
    source.addEventListener('events', (message) => {
      const arrived = JSON.parse((message as MessageEvent<string>).data) as GoodEvent[];
      setError(undefined);
      if (arrived.length === 0) return;
      setEvents((current) => [...arrived.reverse(), ...current].slice(0, KEEP));
      api<{ counts: { event: string; count: number }[] }>('/ui/api/good-events/counts')
        .then((body) => setCounts(body.counts))
        .catch(setError);
    });
    return () => source.close();
  }, [eventType]);
  useEffect(() => {
    api<{ counts: { event: string; count: number }[] }>('/ui/api/good-events/counts')
      .then((body) => setCounts(body.counts))
      .catch(setError);
  }, []);

  return (
    <section aria-labelledby="good-title">
      <h1 id="good-title">Good events</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setEventType(draft.trim());
        }}
      >
        <label for="good-event">Event type</label>
        <input
          id="good-event"
          value={draft}
          onInput={(e) => setDraft(e.currentTarget.value)}
          placeholder="all"
        />
        <button type="submit">Filter</button>
      </form>
      <p role="status" class="live">
        {live ? 'Live: new events appear at the top.' : 'Connecting…'}
      </p>
      <ErrorBox error={error} />
      <h2>Counts by event type</h2>
      <table class="counts">
        <thead>
          <tr>
            <th scope="col">Event type</th>
            <th scope="col">Good events</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((row) => (
            <tr key={row.event}>
              <th scope="row">{row.event}</th>
              <td>{row.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Arriving</h2>
      <table class="good-list">
        <thead>
          <tr>
            <th scope="col">Received</th>
            <th scope="col">Event type</th>
            <th scope="col">Id</th>
            <th scope="col">Data</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={`${event.id}-${event.receivedAt}`}>
              <td>{event.receivedAt}</td>
              <td>
                {event.event}
                {event.version !== undefined ? ` v${event.version}` : ''}
              </td>
              <td>
                <code>{event.id}</code>
              </td>
              <td>
                <code class="data">{JSON.stringify(event.data)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
