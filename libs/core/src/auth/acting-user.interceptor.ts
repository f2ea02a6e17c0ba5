import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AuthedRequest } from '@app/common';
import { actingUser, runAsUser } from '@app/database';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global: a request signed in as a user runs as that user, so each transaction it opens first checks
 * that the user still exists and may act (TenantDb.run): a request that may write, always; a read, when this
 * process has not checked the user in the last few seconds. An access token outlives an archived or erased
 * account by nothing on the copy that archived it, and by at most those seconds for reads elsewhere.
 * A failed check (ActingUserGone) reaches the problem filter as a 401.
 */
@Injectable()
export class ActingUserInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthedRequest & { method: string }>();
    const auth = req.auth;
    if (!auth?.userId) return next.handle();
    const user = actingUser({
      practiceId: auth.practiceId,
      userId: auth.userId,
      claims: auth.apiKeyId ? undefined : { role: auth.role, clientId: auth.clientId },
      writes: !READ_METHODS.has(req.method),
    });
    // Subscribed inside the store: the handler (called on subscription) and all it starts carry the user.
    return new Observable<unknown>((subscriber) => runAsUser(user, () => next.handle().subscribe(subscriber)));
  }
}
