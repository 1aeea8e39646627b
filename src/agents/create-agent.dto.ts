import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsByteLength, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Role, ROLES } from './agent.entity';
import { CapacityDto, MAX_CAPACITY } from './capacity.dto';
import { IsSkillMap } from './skills.validator';
import { EMAIL_MAX_LENGTH, EXTENSION_PATTERN, NAME_MAX_LENGTH, NormalizeEmail, PASSWORD_MIN_LENGTH, Trim } from './agent-fields';
import { MAX_PASSWORD_BYTES } from '../auth/password-hasher';
import { SKILL_NAME_PATTERN } from '../common/skill-name';

export const SKILLS_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'integer', minimum: 1, maximum: 10 },
  description: `skill name (lowercase, ${SKILL_NAME_PATTERN.source}) → proficiency 1..10`,
  example: { billing: 7, french: 10 },
} as const;

export class CreateAgentDto {
  @ApiProperty({ example: 'Alice Martin', maxLength: NAME_MAX_LENGTH })
  @Trim() @IsString() @Length(1, NAME_MAX_LENGTH)
  name: string;

  @ApiProperty({ example: 'alice@example.com', description: 'Unique; stored lowercased' })
  @NormalizeEmail() @IsString() @MaxLength(EMAIL_MAX_LENGTH) @IsEmail({ require_tld: false })
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, description: `At most ${MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest)` })
  @IsString() @MinLength(PASSWORD_MIN_LENGTH)
  @IsByteLength(0, MAX_PASSWORD_BYTES, { message: `password must be at most ${MAX_PASSWORD_BYTES} bytes` })
  password: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'agent', description: 'Only an admin may create supervisors and admins' })
  @IsOptional() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional(SKILLS_SCHEMA)
  @IsOptional() @IsSkillMap()
  skills?: Record<string, number>;

  @ApiPropertyOptional({ type: CapacityDto, description: `Per channel 0..${MAX_CAPACITY}; defaults voice 1, chat 3, email 2` })
  @IsOptional() @ValidateNested() @Type(() => CapacityDto)
  capacity?: CapacityDto;

  @ApiPropertyOptional({ example: '1001', nullable: true, description: 'Telephony extension the PBX connects calls to' })
  @IsOptional() @Trim() @IsString() @Matches(EXTENSION_PATTERN, { message: 'extension must be 1-64 characters of A-Z a-z 0-9 + * # . _ @ : -' })
  extension?: string | null;
}

