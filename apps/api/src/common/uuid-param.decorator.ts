import { Param, ParseUUIDPipe } from '@nestjs/common';
import { invalidField } from '@app/domain';

/** A path parameter that must be a UUID: a bad one is a 400 naming the parameter, like any other bad field. */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => invalidField(name, `${name} must be a UUID`) }));
