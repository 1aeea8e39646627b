import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { CreateFaqDto, FaqView, UpdateFaqDto } from './chat.dto';
import { FaqService } from './faq.service';

/** Self-service answers of the web chat: readable by agents, edited by supervisors. */
@ApiTags('chat')
@ApiBearerAuth()
@Controller('faq')
export class FaqController {
  constructor(private readonly faq: FaqService) {}

  @Get()
  list(): Promise<FaqView[]> {
    return this.faq.list();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<FaqView> {
    return this.faq.get(id);
  }

  @Post()
  @Roles('supervisor')
  create(@Body() dto: CreateFaqDto): Promise<FaqView> {
    return this.faq.create(dto);
  }

  @Patch(':id')
  @Roles('supervisor')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateFaqDto): Promise<FaqView> {
    return this.faq.update(id, dto);
  }

  @Delete(':id')
  @Roles('supervisor')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.faq.remove(id);
  }
}
