import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PLATFORMS, type Platform, ROLES, type Role } from '@app/config';
import type { PlatformAccountEntity } from '@app/database';
import { type Actor, AuthService, DomainError, PlatformAccountService } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { IsInstant } from '../common/is-instant.decorator.js';

export class ConnectAccountDto {
  @ApiProperty({ enum: PLATFORMS }) @IsIn(PLATFORMS) platform!: Platform;
  @ApiProperty({ description: 'Instagram user id, Facebook Page id or X user id' })
  @Matches(/^\d{1,32}$/, { message: 'externalId must be the numeric id of the account or page' })
  externalId!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(100) displayName!: string;
  @ApiProperty({ description: 'Stored encrypted; never returned' }) @IsString() @MinLength(10) @MaxLength(4096) accessToken!: string;
  @ApiPropertyOptional({ description: 'When the access token expires, ISO 8601 with offset; required with refreshToken' })
  // Optional, except that a token renewed by a refresh token is renewed by its expiry, so then it must be known.
  @ValidateIf((o: ConnectAccountDto) => o.tokenExpiresAt != null || o.refreshToken != null)
  @IsDefined({ message: 'tokenExpiresAt is required with refreshToken: when the access token expires (ISO 8601 with offset)' })
  @IsInstant()
  tokenExpiresAt?: string;
  @ApiPropertyOptional({
    description: 'X only: the OAuth 2.0 refresh token (offline.access scope) that renews the access token before it expires. Stored encrypted; never returned.',
  })
  @IsOptional() @IsString() @MinLength(10) @MaxLength(4096) refreshToken?: string;
}

export class CreateUserDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role!: Role;
  @ApiProperty({ minLength: 10 }) @IsString() @MinLength(10) @MaxLength(200) password!: string;
}

const view = (a: PlatformAccountEntity) => ({
  id: a.id,
  platform: a.platform,
  externalId: a.externalId,
  displayName: a.displayName,
  status: a.status,
  statusReason: a.statusReason,
  tokenExpiresAt: a.tokenExpiresAt,
});

@ApiTags('admin')
@ApiBearerAuth()
@Controller()
export class AccountController {
  constructor(
    private readonly accounts: PlatformAccountService,
    private readonly auth: AuthService,
  ) {}

  @Roles('admin', 'staff')
  @Get('accounts')
  async list() {
    return (await this.accounts.list()).map(view);
  }

  @Roles('admin')
  @Post('accounts')
  async connect(@CurrentActor() actor: Actor, @Body() body: ConnectAccountDto) {
    const account = await this.accounts.connect(actor, { ...body, tokenExpiresAt: body.tokenExpiresAt ? new Date(body.tokenExpiresAt) : null, refreshToken: body.refreshToken ?? null });
    return view(account);
  }

  @Roles('admin')
  @Post('users')
  async createUser(@Body() body: CreateUserDto): Promise<{ id: string; email: string; role: Role }> {
    const user = await this.auth.createUser(body.email, body.password, body.role);
    if (!user) throw new DomainError('conflict', 'email_taken', 'An account with this email already exists', [{ field: 'email', messages: ['email is already registered'] }]);
    return { id: user.id, email: user.email, role: user.role };
  }
}
