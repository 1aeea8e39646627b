import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

export class CreateCustomerDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200)
  name?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: '+33612345678' }) @IsOptional() @IsString() @MinLength(2) @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ nullable: true, description: 'Calls from this customer wait first for this agent' })
  @IsOptional() @ValidateIf((_, value) => value !== null) @IsUUID()
  accountManagerAgentId?: string | null;

  @ApiPropertyOptional() @IsOptional() @IsBoolean()
  vip?: boolean;
}

export class UpdateCustomerDto extends CreateCustomerDto {}

export class FindCustomersQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional() @IsOptional() @IsEmail()
  email?: string;
}

/** Most conversations one journey page holds. */
export const JOURNEY_PAGE_MAX = 500;

export class JourneyQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: JOURNEY_PAGE_MAX, default: JOURNEY_PAGE_MAX, description: 'Conversations per page: the newest ones' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(JOURNEY_PAGE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextBefore` of the previous page: the conversations started before it' })
  @IsOptional() @IsString() @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z_[0-9a-f-]{36}$/, { message: 'before must be the nextBefore of a journey page' })
  before?: string;
}

export interface CustomerView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  accountManagerAgentId: string | null;
  vip: boolean;
  createdAt: string;
}
