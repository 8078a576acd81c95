import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Role } from '@app/config';
import { type Actor, AuthService } from '@app/domain';
import { BEFORE_PASSWORD_CHANGE, IS_PUBLIC, ROLES } from './auth.decorators.js';

interface TokenClaims {
  sub: string;
  role: Role;
  /** The user's password version when the token was issued. */
  pwv: number;
}

/**
 * Global guard: verifies the bearer JWT, then that its user is still active and has not changed password since
 * (one primary-key read), then the route's @Roles against the user's current role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) throw new UnauthorizedException({ code: 'unauthenticated', message: 'Log in and send Authorization: Bearer <token>' });
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthorizedException({ code: 'invalid_token', message: 'Token is invalid or expired; log in again' });
    }
    const user = await this.auth.activeUserFor(claims.sub, claims.pwv);
    if (!user) throw new UnauthorizedException({ code: 'invalid_token', message: 'Token is no longer valid (password changed or account disabled); log in again' });
    request.actor = { userId: user.id, role: user.role };
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (user.mustChangePassword && !this.reflector.get<boolean>(BEFORE_PASSWORD_CHANGE, context.getHandler())) {
      throw new ForbiddenException({ code: 'password_change_required', message: 'Replace your one-time password first: POST /api/auth/password' });
    }
    if (!allowed?.includes(user.role)) throw new ForbiddenException({ code: 'forbidden', message: 'Your role may not do this' });
    return true;
  }
}
