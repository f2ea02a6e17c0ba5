import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
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

export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through
  }
  throw new InvalidInput('The cursor is not valid.', [{ path: 'cursor', message: 'cursor is not valid' }]);
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

const badCursor = () => new InvalidInput('The cursor is not valid.', [{ path: 'cursor', message: 'cursor is not valid' }]);

/** A timestamp taken from a decoded cursor. */
export function cursorDate(v: string | number): Date {
  const d = new Date(String(v));
  if (Number.isNaN(d.getTime())) throw badCursor();
  return d;
}

/** A UUID taken from a decoded cursor. */
export function cursorId(v: string | number): string {
  if (typeof v !== 'string' || !/^[0-9a-f-]{36}$/i.test(v)) throw badCursor();
  return v;
}
