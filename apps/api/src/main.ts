// First the heap's settings, then tracing, which must be set up before the modules it instruments are loaded.
import './heap';
import './tracing';
import 'reflect-metadata';
import { AppConfig, ConfigError } from '@app/config';
import { stopTracing } from '@app/core/observability/tracing';
import { createApi } from './bootstrap';

async function main() {
  let config: AppConfig;
  try {
    config = AppConfig.fromProcess();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const app = await createApi(config);
  // Every interface, as a server in a container must (Fastify alone would listen on localhost only).
  await app.listen(config.port, '0.0.0.0');
  // Graceful stop: no new connections, requests in flight finish, pools close, then exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Spans still buffered are exported before the process ends.
      app.close().then(stopTracing).then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

void main();
