import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { QueuesService } from './queues.service';
import { QueueView } from './queue-view.dto';
import { CreateQueueDto } from './create-queue.dto';
import { UpdateQueueDto } from './update-queue.dto';
import { Roles } from '../auth/roles.decorator';

@ApiTags('queues')
@ApiBearerAuth()
@Controller('queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create a queue (supervisor+); SLA and offer timeout default by channel' })
  @ApiCreatedResponse({ type: QueueView })
  async create(@Body() dto: CreateQueueDto): Promise<QueueView> {
    return this.queues.view(await this.queues.create(dto));
  }

  @Get()
  @ApiOperation({ summary: 'List queues with live figures' })
  @ApiOkResponse({ type: QueueView, isArray: true })
  async list(): Promise<QueueView[]> {
    return this.queues.views(await this.queues.list());
  }

  /** By id, or by name: tasks refer to queues either way, so integrators may too. */
  @Get(':id')
  @ApiOperation({ summary: 'One queue with live figures, by id or by name' })
  @ApiParam({ name: 'id', description: 'Queue id or name' })
  @ApiOkResponse({ type: QueueView })
  async get(@Param('id') idOrName: string): Promise<QueueView> {
    return this.queues.view(await this.queues.getByIdOrName(idOrName));
  }

  @Patch(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Change a queue (supervisor+); the channel cannot change' })
  @ApiOkResponse({ type: QueueView })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateQueueDto): Promise<QueueView> {
    return this.queues.view(await this.queues.update(id, dto));
  }
}
