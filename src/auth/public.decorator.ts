import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'acd:isPublic';

/** Opts a route out of the global bearer-token guard (login, health, signed webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
