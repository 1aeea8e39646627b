import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import {
  CreateTemplateDto,
  ListTemplatesQueryDto,
  MergeFieldView,
  PreviewTemplateDto,
  TemplatePreview,
  TemplateView,
  UpdateTemplateDto,
} from './templates.dto';
import { TemplatesService } from './templates.service';

/** Reply templates: read and previewed by every agent, edited by supervisors. */
@ApiTags('templates')
@ApiBearerAuth()
@Controller('templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Get()
  @ApiOperation({ summary: 'Templates (attachments without their content), optionally of one language' })
  list(@Query() query: ListTemplatesQueryDto): Promise<TemplateView[]> {
    return this.templates.list(query);
  }

  @Get('merge-fields')
  @ApiOperation({ summary: 'The merge fields a template may use, with a description and an example value' })
  mergeFields(): MergeFieldView[] {
    return this.templates.mergeFields();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TemplateView> {
    return this.templates.get(id);
  }

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create a template; an unknown merge field or bad syntax is refused (400)' })
  create(@Body() dto: CreateTemplateDto, @CurrentUser() user: AuthUser): Promise<TemplateView> {
    return this.templates.create(dto, user.id);
  }

  @Patch(':id')
  @Roles('supervisor')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTemplateDto): Promise<TemplateView> {
    return this.templates.update(id, dto);
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.templates.remove(id);
  }

  @Post(':id/preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Render the template with the given merge-field values (missing ones empty, listed in missingFields)' })
  preview(@Param('id', ParseUUIDPipe) id: string, @Body() dto: PreviewTemplateDto): Promise<TemplatePreview> {
    return this.templates.preview(id, dto.context ?? {});
  }
}
