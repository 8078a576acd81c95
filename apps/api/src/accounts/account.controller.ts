import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
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
  @ApiPropertyOptional({ description: 'ISO 8601 with offset' }) @IsOptional() @IsInstant() tokenExpiresAt?: string;
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
    const account = await this.accounts.connect(actor, { ...body, tokenExpiresAt: body.tokenExpiresAt ? new Date(body.tokenExpiresAt) : null });
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
