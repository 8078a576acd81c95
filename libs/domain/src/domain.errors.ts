/** What kind of failure a domain error is; the API's one exception filter maps kinds to HTTP statuses. */
export type DomainErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

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

/** One bad field and what is wrong with it; a 400 lists every one. */
export interface FieldProblem {
  field: string;
  messages: string[];
}

export const validationFailed = (problems: readonly FieldProblem[]): DomainError =>
  new DomainError('invalid', 'validation_failed', 'Request has invalid fields', problems);

export const invalidField = (field: string, message: string): DomainError => validationFailed([{ field, messages: [message] }]);
