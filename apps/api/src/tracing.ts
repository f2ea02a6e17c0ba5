// The API's first import: tracing starts before anything it instruments (http, pg, ioredis) is loaded.
import { AppConfig } from '@app/config/app-config';
import { startTracing } from '@app/core/observability/tracing';

try {
  startTracing(AppConfig.fromProcess(), 'coaching-api');
} catch {
  // An invalid configuration: main.ts reports it and exits.
}
