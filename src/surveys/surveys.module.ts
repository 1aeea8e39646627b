import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TaskEventTapModule } from '../stats/task-event-tap.module';
import { TaskEntity } from '../tasks/task.entity';
import { SurveyEntity } from './survey.entity';
import { SurveysController } from './surveys.controller';
import { SurveysService } from './surveys.service';

/** CSAT surveys. Exports SurveysService: channels register `onCreated` to deliver the link. */
@Module({
  imports: [TaskEventTapModule, TypeOrmModule.forFeature([SurveyEntity, TaskEntity])],
  controllers: [SurveysController],
  providers: [SurveysService],
  exports: [SurveysService],
})
export class SurveysModule {}
