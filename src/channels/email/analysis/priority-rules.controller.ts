import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../auth/roles.decorator';
import type { EmailAnalysis } from './email-analysis';
import { AnalyzeSampleDto, CreatePriorityRuleDto, PriorityRuleView, UpdatePriorityRuleDto } from './priority-rule.dto';
import { PriorityRulesService } from './priority-rules.service';

/** Keywords and business events that raise (or lower) an inbound mail's priority: supervisors only. */
@ApiTags('email')
@ApiBearerAuth()
@Controller('priority-rules')
@Roles('supervisor')
export class PriorityRulesController {
  constructor(private readonly rules: PriorityRulesService) {}

  @Get()
  @ApiOperation({ summary: 'Every rule, enabled or not' })
  list(): Promise<PriorityRuleView[]> {
    return this.rules.list();
  }

  @Post()
  @ApiOperation({ summary: 'Add a rule; applied to the next inbound mail' })
  create(@Body() dto: CreatePriorityRuleDto): Promise<PriorityRuleView> {
    return this.rules.create(dto);
  }

  @Post('analyze')
  @HttpCode(200)
  @ApiOperation({ summary: 'Analyse a sample mail with the live rules (nothing is stored)' })
  analyze(@Body() dto: AnalyzeSampleDto): EmailAnalysis {
    return this.rules.analyze({ subject: dto.subject ?? '', text: dto.text, fromAddress: dto.fromAddress ?? null, headers: {} });
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePriorityRuleDto): Promise<PriorityRuleView> {
    return this.rules.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.rules.remove(id);
  }
}
