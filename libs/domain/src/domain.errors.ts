/** What kind of failure a domain error is; the API's one exception filter maps kinds to HTTP statuses. */
export type DomainErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict';

/** Domain code never throws HttpException. `code` is stable and in English; `message` is for people. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (entity: string, id: string): DomainError =>
  new DomainError('not_found', `${entity}_not_found`, `${entity} ${id} does not exist`);
