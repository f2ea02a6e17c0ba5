// The image's HEALTHCHECK. The API and the worker run from one image with different commands, so it
// asks both liveness endpoints on loopback: the one process a container runs answers, or it is unhealthy.
import { AppConfig, ConfigError } from '@app/config/app-config';

const TIMEOUT_MS = 3000;

async function live(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = AppConfig.fromProcess();
  } catch (e) {
    // The process under check could not have started with this environment either.
    if (e instanceof ConfigError) console.error(e.message);
    return 1;
  }
  const answers = await Promise.all([...new Set([config.port, config.workerHealthPort])].map(live));
  return answers.some(Boolean) ? 0 : 1;
}

void main().then((code) => process.exit(code));
