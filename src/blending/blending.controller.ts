import { Body, Controller, Get, HttpCode, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { Roles } from '../auth/roles.decorator';
import { BlendingPolicy } from './blending-policy';
import { BlendingHistoryEntry, BlendingPolicyService } from './blending-policy.service';
import { UpdateBlendingDto } from './dto/update-blending.dto';

export class BlendingHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional() @Transform(({ value }) => (value === undefined ? undefined : Number(value))) @IsInt() @Min(1) @Max(500)
  limit?: number;
}

@ApiTags('blending')
@ApiBearerAuth()
@Controller('blending')
@Roles('supervisor')
export class BlendingController {
  constructor(private readonly policies: BlendingPolicyService) {}

  @Get()
  @ApiOperation({ summary: 'The live blending policy' })
  get(): BlendingPolicy {
    return this.policies.get();
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change any subset of the policy; applied on the next decision, pushed to supervisors, recorded' })
  update(@Body() dto: UpdateBlendingDto, @CurrentUser() user: AuthUser): Promise<BlendingPolicy> {
    return this.policies.update(dto, { id: user.id, name: user.name });
  }

  @Get('history')
  @ApiOperation({ summary: 'Changes of the policy, newest first: who, when, before → after' })
  history(@Query() query: BlendingHistoryQueryDto): Promise<BlendingHistoryEntry[]> {
    return this.policies.history(query.limit ?? 50);
  }
}
