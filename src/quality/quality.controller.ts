import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { CreateReviewDto, CreateSampleDto, ListReviewsQueryDto } from './quality.dto';
import { QualityReviewView, QualitySampleView, QualityService } from './quality.service';

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
