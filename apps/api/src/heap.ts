// The API's first import, before any module that allocates per request is loaded.
import { setFlagsFromString } from 'node:v8';

// No allocation-site pretenuring. V8 starts allocating an object literal's objects straight into the old
// generation once nearly all it made outlived a young collection, as the objects built while the app
// starts do. Requests run through some of the same sites; their old objects then hold each request's rows
// and slots alive until a full collection. Under the slots benchmark every young collection copied and
// promoted ~3.5 MB instead of ~0.2 MB and paused for 7–10 ms instead of 1–3; RSS under load was ~460 MB
// instead of ~370 MB, and CPU per request at half load ~5% higher (bench/ab-cpu.mjs, --trace-gc-nvp).
// Nothing the API makes per request is meant to live, so it loses nothing by it.
setFlagsFromString('--no-allocation-site-pretenuring');

// The old generation may grow to twice what the last full collection left before the next one. The
// API's live heap is ~60 MB, most of it the code it loaded; V8 sizes the next limit by how cheap
// collecting has been on average, and once its memory reducer has run (load eased for a moment) it
// left ~10 MB of room: a full collection every ~5 s under steady load, each marking those 60 MB on
// every core (~260 ms of CPU) while requests wait for one, a cluster of two dozen answers at 40–90 ms
// each time. With room to double, one every ~50 s (bench/tail-probe.mjs, --trace-gc); the heap's
// committed size under load stayed where it was (~250 MB).
setFlagsFromString('--heap-growing-percent=100');
