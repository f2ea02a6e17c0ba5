import 'reflect-metadata';
import { AppConfig, ConfigError } from '@app/config';
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
  const app = await createApi();
  await app.listen(config.port);
}

void main();
