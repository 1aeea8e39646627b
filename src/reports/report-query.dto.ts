import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { CHANNELS, Channel } from '../tasks/channel';

export class ReportQueryDto {
  @ApiProperty({ example: '2025-01-06T00:00:00Z', description: 'Start of the period (inclusive), ISO 8601' })
  @IsISO8601({ strict: true })
  from: string;

  @ApiProperty({ example: '2025-01-07T00:00:00Z', description: 'End of the period (exclusive), ISO 8601' })
  @IsISO8601({ strict: true })
  to: string;

  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;
}
