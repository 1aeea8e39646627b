import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/roles.decorator';
import { CallRouteView, CreateCallRouteDto, UpdateCallRouteDto } from './call-route.dto';
import { CallRoutesService } from './call-routes.service';

/** Routing rules for incoming calls, by dialled number (supervisors). */
@ApiTags('telephony')
@ApiBearerAuth()
@Controller('call-routes')
@Roles('supervisor')
export class CallRoutesController {
  constructor(private readonly routes: CallRoutesService) {}

  @Get()
  list(): Promise<CallRouteView[]> {
    return this.routes.list();
  }

  @Post()
  create(@Body() dto: CreateCallRouteDto): Promise<CallRouteView> {
    return this.routes.create(dto);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCallRouteDto): Promise<CallRouteView> {
    return this.routes.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.routes.remove(id);
  }
}
