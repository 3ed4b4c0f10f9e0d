export { buildConsoleApp } from './app';
export { trackEventStreams } from './adapters/http/event-streams';
export type { ConsoleDeps } from './app';
export { loadConsoleConfig } from './config';
export type { ConsoleConfig } from './config';
export { startConsole } from './main';
export { waitForEvents, waitForIds, waitUntil } from './domain/wait-for-events';
export type { WaitOptions, WaitResult } from './domain/wait-for-events';
export { ElasticsearchEventQuery } from './adapters/elasticsearch/elasticsearch-event-query';
export type { ElasticsearchEventQueryOptions } from './adapters/elasticsearch/elasticsearch-event-query';
export { createConsoleUi } from './ui/console-ui';
export type { ConsoleUiOptions, ConsoleUiStore } from './ui/console-ui';
export { createUiRouter } from './ui/ui-router';
export { defaultUiStaticDir, UI_CONTENT_SECURITY_POLICY } from './ui/static-files';
export type { UiRouterDeps } from './ui/ui-router';
export { SqliteEventExplorer } from './ui/adapters/sqlite/sqlite-event-explorer';
export { ElasticsearchEventExplorer } from './ui/adapters/elasticsearch/elasticsearch-event-explorer';
export type {
  BadEventExplorer,
  BadEventFilter,
  BadEventGroups,
  BadEventPage,
  BadEventSummary,
  GoodEventExplorer,
  GoodEventView,
} from './ui/ports';
export { ResetWatermarkLog } from './adapters/event-log/reset-watermark-log';
export type { ResetWatermarkLogOptions } from './adapters/event-log/reset-watermark-log';
export type { ResetBarrier } from './ports';
