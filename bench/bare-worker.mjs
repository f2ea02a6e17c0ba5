// The reminder baseline: a bare BullMQ worker whose jobs do nothing, on the same Redis and with the
// same concurrency as the real worker. Adds N jobs, times until all completed, prints JSON.
//
//   REDIS_URL=... REDIS_PREFIX=... JOBS=20000 CONCURRENCY=16 node bench/bare-worker.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Queue, Worker } = require('bullmq');
const { Redis } = require('ioredis');

const url = process.env.REDIS_URL;
const prefix = process.env.REDIS_PREFIX ?? 'bench-bare';
const jobs = Number(process.env.JOBS ?? 20000);
const concurrency = Number(process.env.CONCURRENCY ?? 16);

const connection = new Redis(url, { maxRetriesPerRequest: null });
const queue = new Queue('bare', { connection, prefix });
let done = 0;
let first = 0;
let last = 0;
const finished = new Promise((resolve) => {
  const worker = new Worker('bare', async () => undefined, { connection: new Redis(url, { maxRetriesPerRequest: null }), prefix, concurrency });
  worker.on('completed', () => {
    last = Date.now();
    first ||= last;
    if (++done === jobs) resolve(worker);
  });
});

const t0 = Date.now();
for (let i = 0; i < jobs; i += 1000) {
  const n = Math.min(1000, jobs - i);
  await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { practiceId: 'p', id: `${i + k}` }, opts: { jobId: `bare-${i + k}`, removeOnComplete: true, removeOnFail: true } })));
}
const added = Date.now();
const worker = await finished;
console.log(JSON.stringify({ jobs, concurrency, addMs: added - t0, totalMs: last - t0, perSecond: Math.round((jobs * 1000) / (last - t0)) }));
await worker.close();
await queue.obliterate({ force: true }).catch(() => undefined);
await queue.close();
await connection.quit();
process.exit(0);
