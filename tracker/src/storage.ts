/** Where the tracker keeps its ids and, optionally, its queue: `localStorage` or anything like it. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage that lives as long as the process: the default in Node. */
export function memoryStorage(): KeyValueStorage {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

/** The page's `localStorage` when it exists and can be written (not in private modes that refuse it). */
export function browserStorage(): KeyValueStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (!storage) return undefined;
    storage.setItem('sift:probe', '1');
    storage.removeItem('sift:probe');
    return storage;
  } catch {
    return undefined;
  }
}

/** Reads a JSON value from storage; undefined when missing or not JSON. */
export function readJson(storage: KeyValueStorage, key: string): unknown {
  try {
    const text = storage.getItem(key);
    return text === null ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes a JSON value; a full or refusing storage is ignored (the value then lives in memory only). */
export function writeJson(storage: KeyValueStorage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Quota exceeded or storage disabled: the tracker keeps working from memory.
  }
}
