import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { CreateReviewDto, CreateSampleDto, ListReviewsQueryDto, ListSamplesQueryDto } from './quality.dto';
import { QualityService } from './quality.service';
import { QualityReviewView, QualitySampleSummary, QualitySampleView } from './quality.view';

@ApiTags('quality')
@ApiBearerAuth()
@Controller('quality')
@Roles('supervisor')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Post('samples')
  @ApiOperation({ summary: 'Pick N handled tasks of a period at random for review' })
  sample(@Body() dto: CreateSampleDto, @CurrentUser() user: AuthUser): Promise<QualitySampleView> {
    return this.quality.sample(dto, user.id);
  }

  @Get('samples')
  @ApiOperation({ summary: 'The latest samples, with how many of their tasks were reviewed' })
  samples(@Query() query: ListSamplesQueryDto): Promise<QualitySampleSummary[]> {
    return this.quality.listSamples(query);
  }

  @Get('samples/:id')
  @ApiOperation({ summary: 'One sample: each task with its agent, queue, outcome and latest review in the sample' })
  getSample(@Param('id', ParseUUIDPipe) id: string): Promise<QualitySampleView> {
    return this.quality.getSample(id);
  }

  @Post('reviews')
  @ApiOperation({ summary: 'Score one handled task (0..100, optional criteria and comment)' })
  review(@Body() dto: CreateReviewDto, @CurrentUser() user: AuthUser): Promise<QualityReviewView> {
    return this.quality.review(dto, user.id);
  }

  @Get('reviews')
  list(@Query() query: ListReviewsQueryDto): Promise<QualityReviewView[]> {
    return this.quality.list(query);
  }
}
