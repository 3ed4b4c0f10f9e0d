export type { EventCounts, EventFilter, EventPage, EventQuery, StoredEvent } from '@sift/sinks';
