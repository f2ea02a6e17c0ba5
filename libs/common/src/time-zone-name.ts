// The one time zone validator: a name both Node (Intl, luxon) and PostgreSQL (AT TIME ZONE) accept.
// Framework-free, so the portal checks a zone being typed with the same function.

const NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;
let databaseZones: Set<string> | null = null;

/**
 * The names PostgreSQL knows (`pg_timezone_names`), loaded once at boot. Until then only Node's view
 * is checked, and a name Node accepts but the database does not (`US/Pacific-New`, `SystemV/AST4`)
 * would pass: the API loads them before it listens.
 */
export function setDatabaseTimeZones(names: Iterable<string>): void {
  databaseZones = new Set([...names].map((n) => n.toLowerCase()));
}

/** True for an IANA zone name that Intl and the database both accept (the database matches case-insensitively). */
export function isTimeZoneName(value: unknown): value is string {
  if (typeof value !== 'string' || !NAME.test(value)) return false;
  if (databaseZones && !databaseZones.has(value.toLowerCase())) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
