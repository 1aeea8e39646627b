import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { RealtimeStats } from './realtime-stats';
import { StatsService } from './stats.service';

@ApiTags('stats')
@ApiBearerAuth()
@Controller('stats')
@Roles('supervisor')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('realtime')
  @ApiOperation({ summary: 'Live queues, agents, occupancy and blending state (also pushed to /supervisor as `stats`)' })
  realtime(): Promise<RealtimeStats> {
    return this.stats.realtime();
  }
}
