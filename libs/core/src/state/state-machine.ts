import { IllegalTransition } from '@app/common';

/** A table of allowed transitions: { from: [to, ...] }. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

/** The one check per entity: throws 409 unless `from → to` is in the table. */
export function assertTransition<S extends string>(entity: string, table: Transitions<S>, from: S, to: S): void {
  if (!table[from]?.includes(to)) throw new IllegalTransition(entity, from, to);
}

export const canTransition = <S extends string>(table: Transitions<S>, from: S, to: S): boolean => !!table[from]?.includes(to);
