import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class AnswerSurveyDto {
  @ApiProperty({ minimum: 1, maximum: 5 })
  @IsInt() @Min(1) @Max(5)
  score: number;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional() @IsString() @MaxLength(2000)
  comment?: string;
}

export class CreateSurveyDto {
  @ApiProperty({ format: 'uuid', description: 'A completed email or chat task' })
  @IsUUID()
  taskId: string;
}
