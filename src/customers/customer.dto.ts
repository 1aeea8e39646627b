import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';

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

export interface CustomerView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  accountManagerAgentId: string | null;
  vip: boolean;
  createdAt: string;
}
