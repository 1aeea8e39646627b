import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgentsService } from './agents.service';
import { AgentView } from './agent-view.dto';
import { CreateAgentDto } from './create-agent.dto';
import { UpdateAgentDto } from './update-agent.dto';
import { SetPresenceDto } from './set-presence.dto';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { assertSelfOrRole } from '../auth/roles';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Post()
  @Roles('supervisor')
  @ApiOperation({ summary: 'Create an agent (supervisor+; only an admin may create supervisors and admins)' })
  @ApiCreatedResponse({ type: AgentView })
  async create(@Body() dto: CreateAgentDto, @CurrentUser() user: AuthUser): Promise<AgentView> {
    return this.agents.view(await this.agents.create(dto, user));
  }

  @Get()
  @Roles('supervisor')
  @ApiOperation({ summary: 'List agents with live presence and load (supervisor+)' })
  @ApiOkResponse({ type: AgentView, isArray: true })
  async list(): Promise<AgentView[]> {
    return this.agents.views(await this.agents.list());
  }

  @Get(':id')
  @ApiOperation({ summary: 'One agent (the agent itself, or supervisor+)' })
  @ApiOkResponse({ type: AgentView })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: AuthUser): Promise<AgentView> {
    assertSelfOrRole(user, id, 'supervisor');
    return this.agents.view(await this.agents.getById(id));
  }

  @Patch(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'Change an agent (supervisor+; only an admin may grant supervisor or admin)' })
  @ApiOkResponse({ type: AgentView })
  async update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateAgentDto, @CurrentUser() user: AuthUser): Promise<AgentView> {
    return this.agents.view(await this.agents.update(id, dto, user));
  }

  @Put(':id/presence')
  @HttpCode(200)
  @ApiOperation({ summary: "Set an agent's presence (the agent itself, or a supervisor forcing it)" })
  @ApiOkResponse({ type: AgentView })
  setPresence(@Param('id', ParseUUIDPipe) id: string, @Body() dto: SetPresenceDto, @CurrentUser() user: AuthUser): Promise<AgentView> {
    assertSelfOrRole(user, id, 'supervisor');
    return this.agents.setPresence(id, dto, user);
  }
}
