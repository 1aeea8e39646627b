import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { TaskView } from '../gateway/socket-events';
import { CreateTaskDto, ListTasksQueryDto, TransferTaskDto } from './dto/task.dto';
import { TasksService } from './tasks.service';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  /** Queues a task and routes it at once; idempotent on externalId. */
  @Post()
  @Roles('supervisor')
  create(@Body() dto: CreateTaskDto): Promise<TaskView> {
    return this.tasks.create(dto);
  }

  @Get()
  @Roles('supervisor')
  list(@Query() query: ListTasksQueryDto): Promise<TaskView[]> {
    return this.tasks.list(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<TaskView> {
    return this.tasks.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('supervisor')
  cancel(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<TaskView> {
    return this.tasks.cancel(id, user.id);
  }

  /** Moves the task to another queue or agent; answers the new task. */
  @Post(':id/transfer')
  @HttpCode(200)
  @Roles('supervisor')
  transfer(@Param('id', ParseUUIDPipe) id: string, @Body() dto: TransferTaskDto, @CurrentUser() user: AuthUser): Promise<TaskView> {
    return this.tasks.transfer(id, dto, user.id);
  }
}
