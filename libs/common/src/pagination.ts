import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { isDateOnly, isTimestamp } from './dates';
import { InvalidInput } from './errors';

export class PageQuery {
  /** Page size, 1–100. */
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 100, default: 25, description: 'Page size, 1–100.' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  /** Opaque cursor from a previous page's nextCursor. */
  @ApiPropertyOptional({ type: String, description: "Opaque cursor from a previous page's nextCursor." })
  @IsOptional() @IsString() @MaxLength(200) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not valid' })
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const pageSize = (q: PageQuery): number => q.limit ?? 25;

/** Cursors encode the sort key of the last row returned, opaque to callers. */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What one position of a cursor holds: a UUID, a timestamp (read back as a Date) or a date (YYYY-MM-DD). */
export type CursorPart = 'id' | 'timestamp' | 'date';
type CursorValue<K extends CursorPart> = K extends 'timestamp' ? Date : string;
export type CursorValues<K extends readonly CursorPart[]> = { -readonly [I in keyof K]: CursorValue<K[I]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const badCursor = () => new InvalidInput('The cursor is not valid.', [{ path: 'cursor', message: 'cursor is not valid' }]);

function part(kind: CursorPart, v: unknown): string | Date {
  if (kind === 'id' && typeof v === 'string' && UUID.test(v)) return v.toLowerCase();
  if (kind === 'timestamp' && isTimestamp(v)) return new Date(v);
  if (kind === 'date' && isDateOnly(v)) return v;
  throw badCursor();
}

/**
 * The one cursor decoder: checks the cursor's shape and every value's type, so a crafted cursor is a
 * 400, never a query error. `shape` names each position; a number n means n ids.
 */
export function decodeCursor(cursor: string | undefined, shape: number): string[] | null;
export function decodeCursor<const K extends readonly CursorPart[]>(cursor: string | undefined, shape: K): CursorValues<K> | null;
export function decodeCursor(cursor: string | undefined, shape: number | readonly CursorPart[]): (string | Date)[] | null {
  if (!cursor) return null;
  const kinds: readonly CursorPart[] = typeof shape === 'number' ? Array<CursorPart>(shape).fill('id') : shape;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(v) || v.length !== kinds.length) throw badCursor();
  return kinds.map((k, i) => part(k, v[i]));
}

/** Rows fetched with limit + 1 become a page; the extra row only says there is more. */
export function toPage<R, T>(rows: R[], limit: number, map: (r: R) => T, key: (r: R) => (string | number)[]): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  return { data: slice.map(map), nextCursor: more ? encodeCursor(key(slice[slice.length - 1])) : null };
}

export class PageDto {
  @ApiPropertyOptional({ nullable: true, type: String })
  nextCursor!: string | null;
}

/** A timestamp taken from a decoded cursor. */
export const cursorDate = (v: string | number | Date): Date => (v instanceof Date ? v : (part('timestamp', v) as Date));

/** A UUID taken from a decoded cursor. */
export const cursorId = (v: string | number | Date): string => part('id', v) as string;
