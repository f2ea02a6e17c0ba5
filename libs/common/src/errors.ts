// Typed domain errors: thrown by services, mapped to problem+json by one global filter.

export interface FieldError {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super(400, 'invalid-input', message, errors);
  }
}

export class Unauthenticated extends DomainError {
  constructor(message = 'Missing, expired or invalid credentials.') {
    super(401, 'unauthenticated', message);
  }
}

export class Forbidden extends DomainError {
  constructor(message = 'Your role may not do this.') {
    super(403, 'forbidden', message);
  }
}

export class NotFound extends DomainError {
  constructor(entity = 'Resource') {
    super(404, 'not-found', `${entity} not found.`);
  }
}

export class Conflict extends DomainError {
  constructor(code: string, message: string, errors?: FieldError[]) {
    super(409, code, message, errors);
  }
}

export class IllegalTransition extends Conflict {
  constructor(entity: string, from: string, to: string) {
    super('illegal-transition', `${entity} cannot go from ${from} to ${to}.`);
  }
}

export class TooManyRequests extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = 'Too many requests; try again later.',
    /** The RateLimit field naming the policy that refused, when the limiter has not set it already. */
    readonly rateLimit?: string,
  ) {
    super(429, 'rate-limited', message);
  }
}
