import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator';
import { Roles } from '../auth/roles.decorator';
import { AnswerSurveyDto, CreateSurveyDto } from './surveys.dto';
import { CreatedSurvey, PublicSurveyView, SurveysService } from './surveys.service';

@ApiTags('surveys')
@Controller('surveys')
export class SurveysController {
  constructor(private readonly surveys: SurveysService) {}

  @Post()
  @ApiBearerAuth()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create (or get) the survey of a completed email or chat task' })
  create(@Body() dto: CreateSurveyDto): Promise<CreatedSurvey> {
    return this.surveys.createForTask(dto.taskId);
  }

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'The survey behind a link (public)' })
  show(@Param('token') token: string): Promise<PublicSurveyView> {
    return this.surveys.show(token);
  }

  @Post(':token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Answer a survey (public): score 1..5 and an optional comment, once' })
  answer(@Param('token') token: string, @Body() dto: AnswerSurveyDto): Promise<{ answered: true }> {
    return this.surveys.answer(token, dto.score, dto.comment ?? null);
  }
}
