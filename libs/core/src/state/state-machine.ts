import { IllegalTransition } from '@app/common';

/** A table of allowed transitions: { from: [to, ...] }. */
export type Transitions<S extends string> = Readonly<Record<S, readonly S[]>>;

/** A table of named actions, each allowed only from some statuses and leading to one status. */
export type Actions<S extends string, A extends string> = Readonly<Record<A, { readonly from: readonly S[]; readonly to: S }>>;

/** The one check per entity: throws 409 unless `from → to` is in the table. */
export function assertTransition<S extends string>(entity: string, table: Transitions<S>, from: S, to: S): void {
  if (!table[from]?.includes(to)) throw new IllegalTransition(entity, from, to);
}

export const canTransition = <S extends string>(table: Transitions<S>, from: S, to: S): boolean => !!table[from]?.includes(to);

/** The one check for entities whose actions matter, not only the statuses: 409 unless `action` is allowed from `from`; returns the status it leads to. */
export function assertAction<S extends string, A extends string>(entity: string, table: Actions<S, A>, action: A, from: S): S {
  const a = table[action];
  if (!a.from.includes(from)) throw new IllegalTransition(entity, from, a.to);
  return a.to;
}

export const canAct = <S extends string, A extends string>(table: Actions<S, A>, action: A, from: S): boolean => table[action].from.includes(from);
