import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** `/health/live` and `/health/ready`. Needs from outside: the TypeORM root DataSource and the global STATE_STORE. */
@Module({
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
