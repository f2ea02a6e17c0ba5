// The outbox's insert, free of the framework (the raw benchmark baseline runs it too).

/** $1 id, $2 practice, $3 type, $4 entity type, $5 entity id, $6 data (JSON text), $7 actor id, $8 traceparent. */
export const DOMAIN_EVENT_INSERT_SQL = `INSERT INTO domain_events (id, practice_id, type, entity_type, entity_id, data, actor_id, trace_parent)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
