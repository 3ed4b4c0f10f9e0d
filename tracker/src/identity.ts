import { readJson, writeJson } from './storage';
import type { KeyValueStorage } from './storage';
import { uuid } from './uuid';

const ANONYMOUS_ID = 'sift:anonymous_id';
const SESSION = 'sift:session';

interface StoredSession {
  id: string;
  /** Last event time, ms since the epoch. */
  seenAt: number;
}

/**
 * The anonymous id (kept in storage for good) and the session: a session ends after
 * `sessionTimeoutMs` without events, and the next event starts a new one.
 */
export class Identity {
  readonly anonymousId: string;
  private session: StoredSession | undefined;

  constructor(
    private readonly storage: KeyValueStorage,
    private readonly sessionTimeoutMs: number,
  ) {
    const stored = storage.getItem(ANONYMOUS_ID);
    this.anonymousId = stored ?? uuid();
    if (stored === null) {
      try {
        storage.setItem(ANONYMOUS_ID, this.anonymousId);
      } catch {
        // A refusing storage: the id lasts as long as the page.
      }
    }
    const session = readJson(storage, SESSION) as StoredSession | undefined;
    if (session && typeof session.id === 'string' && typeof session.seenAt === 'number') {
      this.session = session;
    }
  }

  /** The session id for an event at `now` (ms), starting a new session after the timeout. */
  touch(now: number): string {
    const current = this.session;
    const session =
      current && now - current.seenAt < this.sessionTimeoutMs
        ? { id: current.id, seenAt: now }
        : { id: uuid(), seenAt: now };
    this.session = session;
    writeJson(this.storage, SESSION, session);
    return session.id;
  }
}
