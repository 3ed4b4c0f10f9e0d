/** An error as the `app_error` event type (schemas/com.acme.app_error) records it. */
export interface AppErrorData {
  message: string;
  error_name?: string;
  stack?: string;
  url?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  severity?: 'fatal' | 'error' | 'warning';
  handled?: boolean;
  source?: 'window_error' | 'unhandled_rejection' | 'manual';
  app_version?: string;
  occurred_at?: string;
}

/** Where captured errors go: typically a generated tracker's `appError` method. */
export type AppErrorSink = (data: AppErrorData) => void;

interface ErrorEventLike {
  message?: string;
  filename?: string;
  lineno?: number;
  colno?: number;
  error?: unknown;
  reason?: unknown;
}

interface ErrorGlobals {
  addEventListener?: (type: string, listener: (event: ErrorEventLike) => void) => void;
  removeEventListener?: (type: string, listener: (event: ErrorEventLike) => void) => void;
  location?: { href: string };
  process?: {
    on(event: string, listener: (error: unknown, origin: string) => void): void;
    off(event: string, listener: (error: unknown, origin: string) => void): void;
  };
}

// Limits of schemas/com.acme.app_error/1.json.
const MAX_STACK = 16_384;
const MAX_MESSAGE = 2048;
const MAX_URL = 2048;
const MAX_FILENAME = 2048;
const MAX_APP_VERSION = 64;

/** The `app_error` data for a thrown value. */
export function appErrorData(
  error: unknown,
  extra: Partial<AppErrorData> = {},
  appVersion?: string,
): AppErrorData {
  const isError = error instanceof Error;
  const message = (isError ? error.message : String(error)) || 'unknown error';
  const page = (globalThis as ErrorGlobals).location?.href;
  return {
    message: message.slice(0, MAX_MESSAGE),
    ...(isError ? { error_name: error.name.slice(0, 128) } : {}),
    ...(isError && error.stack ? { stack: error.stack.slice(0, MAX_STACK) } : {}),
    ...(page ? { url: page.slice(0, MAX_URL) } : {}),
    severity: 'error',
    handled: false,
    ...(appVersion ? { app_version: appVersion.slice(0, MAX_APP_VERSION) } : {}),
    occurred_at: new Date().toISOString(),
    ...extra,
    ...(extra.filename !== undefined ? { filename: extra.filename.slice(0, MAX_FILENAME) } : {}),
    ...(extra.app_version !== undefined
      ? { app_version: extra.app_version.slice(0, MAX_APP_VERSION) }
      : {}),
  };
}

/**
 * Sends uncaught errors and unhandled rejections to `sink` (browser: `error` and
 * `unhandledrejection`; Node: `uncaughtExceptionMonitor`, which does not change how the
 * process ends: the process exits before the event is sent, so a Node app needs its own
 * `uncaughtException` handler that awaits `tracker.shutdown()` before it exits).
 * Returns a function that stops capturing.
 */
export function captureErrors(
  sink: AppErrorSink,
  options: { appVersion?: string } = {},
): () => void {
  const scope = globalThis as ErrorGlobals;
  const report = (data: AppErrorData): void => {
    try {
      sink(data);
    } catch {
      // An error reporter must never raise an error of its own.
    }
  };
  if (scope.addEventListener && scope.removeEventListener) {
    const onError = (event: ErrorEventLike): void =>
      report(
        appErrorData(
          event.error ?? event.message,
          {
            source: 'window_error',
            ...(event.filename ? { filename: event.filename } : {}),
            ...(typeof event.lineno === 'number' ? { lineno: event.lineno } : {}),
            ...(typeof event.colno === 'number' ? { colno: event.colno } : {}),
          },
          options.appVersion,
        ),
      );
    const onRejection = (event: ErrorEventLike): void =>
      report(appErrorData(event.reason, { source: 'unhandled_rejection' }, options.appVersion));
    scope.addEventListener('error', onError);
    scope.addEventListener('unhandledrejection', onRejection);
    return () => {
      scope.removeEventListener?.('error', onError);
      scope.removeEventListener?.('unhandledrejection', onRejection);
    };
  }
  const processRef = scope.process;
  if (!processRef) return () => undefined;
  const onUncaught = (error: unknown, origin: string): void =>
    report(
      appErrorData(
        error,
        {
          severity: 'fatal',
          source: origin === 'unhandledRejection' ? 'unhandled_rejection' : 'window_error',
        },
        options.appVersion,
      ),
    );
  processRef.on('uncaughtExceptionMonitor', onUncaught);
  return () => processRef.off('uncaughtExceptionMonitor', onUncaught);
}
