import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.decorator';
import { reportToCsv } from './report-csv';
import { ReportQueryDto } from './report-query.dto';
import { ReportSummary } from './report-summary';
import { ReportsService } from './reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
@Roles('supervisor')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('summary')
  @ApiProduces('application/json', 'text/csv')
  @ApiOperation({ summary: 'Figures of a period from the durable history; CSV with `Accept: text/csv`' })
  async summary(@Query() query: ReportQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response): Promise<ReportSummary | string> {
    const report = await this.reports.summary(query.from, query.to, query.channel ?? null);
    if (!accept?.includes('text/csv')) return report;
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="acd-report-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}.csv"`);
    return reportToCsv(report);
  }
}
