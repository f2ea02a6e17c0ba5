// Loads data for a page through the portal's query cache (query-client.ts): loading and error states, a
// reload after a change, and data kept per key, so a page opened again shows its last data while it refreshes.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';

export interface Resource<T> {
  data: T | undefined;
  error: Error | null;
  loading: boolean;
  /** Loads again, keeping the current data on screen meanwhile. */
  reload: () => Promise<void>;
  setData: (update: (current: T) => T) => void;
}

/**
 * `key` names what is loaded (a word for the resource, then the ids it depends on): the same key is the same
 * data wherever it is shown, and a new key loads anew.
 */
export function useResource<T>(key: readonly unknown[], load: () => Promise<T>): Resource<T> {
  const client = useQueryClient();
  const query = useQuery({ queryKey: key, queryFn: load });
  const { refetch } = query;
  const reload = useCallback(async () => {
    await refetch();
  }, [refetch]);
  const keyHash = JSON.stringify(key);
  const setData = useCallback(
    (update: (current: T) => T) => client.setQueryData<T>(key, (c) => (c === undefined ? c : update(c))),
    // The key's contents, not its identity (a new array each render).
    [client, keyHash],
  );
  return { data: query.data, error: query.error, loading: query.isFetching, reload, setData };
}
