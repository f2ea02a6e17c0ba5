import { v7 } from 'uuid';

/** A new time-ordered UUID (v7): index-friendly and sortable by creation. */
export const newId = (): string => v7();

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
