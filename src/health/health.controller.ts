import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthService, ReadinessReport } from './health.service';
import { Public } from '../auth/public.decorator';

/** Probes for orchestrators: public, and served outside the `/api` prefix (see app.setup.ts). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres and the state store answer' })
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { database: 'up', stateStore: 'up' } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { status: 'unavailable', checks: { database: 'down', stateStore: 'up' } } } })
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessReport> {
    const report = await this.health.readiness();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
