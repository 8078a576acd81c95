import type { Role } from '@app/config';

/** Who is acting; passed from the API's auth guard into domain services. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
}
