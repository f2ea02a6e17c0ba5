// The audit log's insert, free of the framework (the raw benchmark baseline runs it too).

/** $1 id, $2 practice, $3 actor type, $4 actor id, $5 action, $6 entity type, $7 entity id, $8 changes (JSON text), $9 request id. */
export const AUDIT_EVENT_INSERT_SQL = `INSERT INTO audit_events (id, practice_id, actor_type, actor_id, action, entity_type, entity_id, changes, request_id)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
