import { randomUUID } from 'node:crypto';
import type { Role } from '@app/config';
import { AuthService } from '@app/domain';
import type { ApiClient } from './api-client.js';
import type { TestApi } from './test-api.js';

/** Creates a user of `role` through the real AuthService and returns a client logged in as them. */
export async function clientAs(t: TestApi, client: ApiClient, role: Role): Promise<{ client: ApiClient; userId: string; email: string }> {
  const email = `${role}-${randomUUID().slice(0, 8)}@contoh.id`;
  const password = `rahasia-${randomUUID()}`;
  const user = await t.api.get(AuthService).createUser(email, password, role);
  return { client: client.as(await client.login(email, password)), userId: user!.id, email };
}
