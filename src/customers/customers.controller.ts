import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { CreateCustomerDto, CustomerView, FindCustomersQueryDto, JourneyQueryDto, UpdateCustomerDto } from './customer.dto';
import { CustomerJourney, CustomerJourneyService } from './customer-journey.service';
import { CustomersService } from './customers.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly journeys: CustomerJourneyService,
  ) {}

  @Post()
  @Roles('supervisor')
  create(@Body() dto: CreateCustomerDto): Promise<CustomerView> {
    return this.customers.create(dto);
  }

  /** Look-up by phone or email (both optional; none: the latest 100). */
  @Get()
  find(@Query() query: FindCustomersQueryDto): Promise<CustomerView[]> {
    return this.customers.find(query);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CustomerView> {
    return this.customers.get(id);
  }

  /** Account manager, VIP flag, contact details. */
  @Patch(':id')
  @Roles('supervisor')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCustomerDto): Promise<CustomerView> {
    return this.customers.update(id, dto);
  }

  /** Every conversation, call and chat of the customer, in order, with who handled it and how it ended; the newest first come, paged back with `before`. */
  @Get(':id/journey')
  journey(@Param('id', ParseUUIDPipe) id: string, @Query() query: JourneyQueryDto): Promise<CustomerJourney> {
    return this.journeys.journey(id, query);
  }
}
