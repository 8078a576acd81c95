import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@app/config';
import type { Actor } from '@app/domain';

export const IS_PUBLIC = 'isPublic';
export const BEFORE_PASSWORD_CHANGE = 'allowedBeforePasswordChange';
export const ROLES = 'roles';

/** Open to anyone, no token needed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
/** Who may call a route. A route with neither @Public nor @Roles is refused: access is always a decision. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES, roles);

/** Usable while the user still has to replace a one-time password (everything else answers 403 until then). */
export const AllowedBeforePasswordChange = (): MethodDecorator => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
});
