import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { AuthedRequest, Unauthenticated } from '@app/common';
import { ActingUser, ActingUserGone, runAsUser } from '@app/database';

/**
 * Global: a request signed in as a user runs as that user, so each transaction it opens first checks
 * that the user still exists and may act (TenantDb.run). An access token outlives an archived or erased
 * account by nothing: its next transaction is refused, and the request is 401.
 */
@Injectable()
export class ActingUserInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const auth = context.switchToHttp().getRequest<AuthedRequest>().auth;
    if (!auth?.userId) return next.handle();
    const user: ActingUser = {
      practiceId: auth.practiceId,
      userId: auth.userId,
      claims: auth.apiKeyId ? undefined : { role: auth.role, clientId: auth.clientId },
    };
    // Subscribed inside the store: the handler (called on subscription) and all it starts carry the user.
    return new Observable<unknown>((subscriber) => runAsUser(user, () => next.handle().subscribe(subscriber))).pipe(
      catchError((e: unknown) => throwError(() => (e instanceof ActingUserGone ? new Unauthenticated('This account no longer has access.') : e))),
    );
  }
}
