// Preloaded into a server by bench/tail-probe.mjs (--require): prints "ELD <epoch ms> <gap ms>" on stderr
// whenever the event loop was away for more than 15 ms (a 5 ms timer that came late).
const { performance } = require('node:perf_hooks');

let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  const gap = now - last;
  last = now;
  if (gap > 15) process.stderr.write(`ELD ${(performance.timeOrigin + now).toFixed(0)} ${gap.toFixed(1)}\n`);
}, 5);
timer.unref();
