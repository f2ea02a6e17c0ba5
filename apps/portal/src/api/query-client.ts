// The portal's one cache of server state (TanStack Query): a page opened again shows what it showed
// before at once and refreshes it behind, a window coming back into focus refreshes what is on screen, and
// after any change the person makes nothing loaded before it is shown again (see client.ts). Signing out
// empties it: the next person on this browser starts from nothing.
import { QueryClient } from '@tanstack/react-query';

const status = (err: unknown): number | undefined => (err && typeof err === 'object' && typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // One more try for a network failure or a server's bad moment; a 4xx is the answer and is shown at once.
      retry: (failures, err) => {
        const s = status(err);
        return failures < 1 && (s === undefined || s === 0 || s >= 500);
      },
      // Shown from the cache at once, and always asked for again when a page opens (two panels asking for one
      // thing at once still share one request).
      staleTime: 0,
    },
  },
});
