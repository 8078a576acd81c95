import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Role } from '@app/config';
import type { DataSource } from 'typeorm';
import { UserEntity } from '../entities/user.entity.js';

@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ email: email.toLowerCase() });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ id });
  }

  /** Returns null when the email is taken (the unique constraint decides, so concurrent sign-ups are safe). */
  async create(input: { email: string; passwordHash: string; role: Role; mustChangePassword?: boolean }): Promise<UserEntity | null> {
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO app_user (email, password_hash, role, must_change_password) VALUES ($1, $2, $3, $4)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [input.email.toLowerCase(), input.passwordHash, input.role, input.mustChangePassword ?? false],
    );
    return rows.length > 0 ? this.findById(rows[0].id) : null;
  }

  async setPassword(id: string, passwordHash: string, mustChange = false): Promise<void> {
    await this.db.query(
      `UPDATE app_user SET password_hash = $2, password_version = password_version + 1, must_change_password = $3, active = true, updated_at = now() WHERE id = $1`,
      [id, passwordHash, mustChange],
    );
  }

  async countByRole(role: Role): Promise<number> {
    return this.db.getRepository(UserEntity).countBy({ role });
  }
}
