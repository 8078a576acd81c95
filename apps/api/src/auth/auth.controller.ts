import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { InjectSettings, ROLES, type Settings } from '@app/config';
import { type Actor, AuthService, notFound } from '@app/domain';
import type { UserEntity } from '@app/database';
import { AllowedBeforePasswordChange, CurrentActor, Public, Roles } from './auth.decorators.js';
import { ChangePasswordDto, LoginDto, RegisterDto, TokenResponseDto } from './auth.dto.js';
import { RateLimit } from '../common/rate-limit.guard.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly jwt: JwtService,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  @Public()
  @RateLimit('login')
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto): Promise<TokenResponseDto> {
    return this.issue(await this.auth.verifyLogin(body.email, body.password));
  }

  /** Business owners register themselves; other roles are created by an admin. */
  @Public()
  @RateLimit('register')
  @Post('register')
  async register(@Body() body: RegisterDto): Promise<TokenResponseDto> {
    return this.issue(await this.auth.registerOwner(body.email, body.password));
  }

  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowedBeforePasswordChange()
  @Get('me')
  async me(@CurrentActor() actor: Actor): Promise<{ id: string; email: string; role: string; mustChangePassword: boolean }> {
    const user = await this.auth.findUser(actor.userId);
    if (!user) throw notFound('user', actor.userId);
    return { id: user.id, email: user.email, role: user.role, mustChangePassword: user.mustChangePassword };
  }

  /** Any signed-in user; returns a fresh token because the old ones stop working. */
  @ApiBearerAuth()
  @Roles(...ROLES)
  @AllowedBeforePasswordChange()
  @Post('password')
  @HttpCode(200)
  async changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto): Promise<TokenResponseDto> {
    return this.issue(await this.auth.changePassword(actor.userId, body.currentPassword, body.newPassword));
  }

  private async issue(user: UserEntity): Promise<TokenResponseDto> {
    const accessToken = await this.jwt.signAsync({ sub: user.id, role: user.role, pwv: user.passwordVersion });
    return { accessToken, expiresIn: this.settings.api.jwtTtlSeconds, role: user.role };
  }
}
