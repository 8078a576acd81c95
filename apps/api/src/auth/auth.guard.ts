import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { ROLES as ALL_ROLES, type Role } from '@app/config';
import type { Actor } from '@app/domain';
import { IS_PUBLIC, ROLES } from './auth.decorators.js';

interface TokenClaims {
  sub: string;
  role: Role;
}

/** Global guard: verifies the bearer JWT, then the route's @Roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
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
    if (!ALL_ROLES.includes(claims.role)) throw new UnauthorizedException({ code: 'invalid_token', message: 'Token is invalid' });
    request.actor = { userId: claims.sub, role: claims.role };
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (!allowed?.includes(claims.role)) throw new ForbiddenException({ code: 'forbidden', message: 'Your role may not do this' });
    return true;
  }
}
