import { Module } from '@nestjs/common';
import { ReportBreakdowns } from './report-breakdowns';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({ controllers: [ReportsController], providers: [ReportsService, ReportBreakdowns], exports: [ReportsService] })
export class ReportsModule {}
