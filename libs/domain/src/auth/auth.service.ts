import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { UserRepository, type UserEntity } from '@app/database';
import { DomainError } from '../domain.errors.js';

const BOOTSTRAP_ADMIN_EMAIL = 'admin@umkm.local';
/** Verifying against this keeps failed logins for unknown emails as slow as for known ones; made on first use. */
let dummyHash: Promise<string> | undefined;

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(private readonly users: UserRepository) {}

  /** The same error for an unknown email and a wrong password, so logins don't reveal who is registered. */
  async verifyLogin(email: string, password: string): Promise<UserEntity> {
    const user = await this.users.findByEmail(email);
    const valid = await argon2.verify(user?.passwordHash ?? (await (dummyHash ??= argon2.hash('timing-equaliser'))), password).catch(() => false);
    if (!user || !valid || !user.active) throw new DomainError('unauthenticated', 'invalid_credentials', 'Email or password is wrong');
    return user;
  }

  async registerOwner(email: string, password: string): Promise<UserEntity> {
    const created = await this.users.create({ email, passwordHash: await argon2.hash(password), role: 'owner' });
    if (!created) {
      throw new DomainError('conflict', 'email_taken', 'An account with this email already exists', [{ field: 'email', messages: ['email is already registered'] }]);
    }
    return created;
  }

  async createUser(email: string, password: string, role: UserEntity['role']): Promise<UserEntity | null> {
    return this.users.create({ email, passwordHash: await argon2.hash(password), role });
  }

  /** Checks the current password first; tokens issued before the change stop working (see `activeUserFor`). */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user || !(await argon2.verify(user.passwordHash, currentPassword).catch(() => false))) {
      throw new DomainError('invalid', 'validation_failed', 'Request has invalid fields', [{ field: 'currentPassword', messages: ['currentPassword is wrong'] }]);
    }
    if (currentPassword === newPassword) {
      throw new DomainError('invalid', 'validation_failed', 'Request has invalid fields', [{ field: 'newPassword', messages: ['newPassword must differ from the current password'] }]);
    }
    await this.users.setPassword(userId, await argon2.hash(newPassword));
    return (await this.users.findById(userId))!;
  }

  /** A token is current while its user is active and it carries the user's current password version. */
  async activeUserFor(userId: string, passwordVersion: number): Promise<UserEntity | null> {
    const user = await this.users.findById(userId);
    return user?.active && user.passwordVersion === passwordVersion ? user : null;
  }

  /**
   * For an operator who lost the admin password (`npm run admin:reset-password`): a new one-time password for the
   * bootstrap admin, created if missing; every older login of that account ends.
   */
  async resetBootstrapAdmin(): Promise<{ email: string; password: string }> {
    const password = randomBytes(18).toString('base64url');
    const existing = await this.users.findByEmail(BOOTSTRAP_ADMIN_EMAIL);
    if (existing) await this.users.setPassword(existing.id, await argon2.hash(password), true);
    else await this.users.create({ email: BOOTSTRAP_ADMIN_EMAIL, passwordHash: await argon2.hash(password), role: 'admin', mustChangePassword: true });
    return { email: BOOTSTRAP_ADMIN_EMAIL, password };
  }

  findUser(id: string): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /**
   * On an empty user table, creates an admin with a random one-time password and returns it (to be printed once).
   * Replicas starting together are safe: only the one whose INSERT wins gets a password back.
   */
  async ensureAdmin(): Promise<{ email: string; password: string } | null> {
    if ((await this.users.countByRole('admin')) > 0) return null;
    const password = randomBytes(18).toString('base64url');
    const created = await this.users.create({ email: BOOTSTRAP_ADMIN_EMAIL, passwordHash: await argon2.hash(password), role: 'admin', mustChangePassword: true });
    return created ? { email: BOOTSTRAP_ADMIN_EMAIL, password } : null;
  }
}
