import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NOTES_MAX_LENGTH } from '../../tasks/task.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** `POST /api/calls/:taskId/hold` and `/resume`: no field (any field is a 400). */
export class CallControlDto {}

/** `POST /api/calls/:taskId/end`: the disposition code the agent chose, and the notes (as `task:complete`). */
export class EndCallDto {
  @ApiPropertyOptional({ maxLength: 200, example: 'resolved' })
  @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200)
  disposition?: string;

  @ApiPropertyOptional({ maxLength: NOTES_MAX_LENGTH, description: 'The agent’s wrap-up notes (blank: none)' })
  @IsOptional() @IsString() @MaxLength(NOTES_MAX_LENGTH)
  notes?: string;
}
