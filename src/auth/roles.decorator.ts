import { SetMetadata } from '@nestjs/common';
import { Role } from '../agents/agent.entity';

export const MIN_ROLE_KEY = 'acd:minRole';

/** Requires this role or a higher one (`agent < supervisor < admin`). */
export const Roles = (minimum: Role): MethodDecorator & ClassDecorator => SetMetadata(MIN_ROLE_KEY, minimum);
