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
