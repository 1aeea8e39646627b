import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity';
import { CreateCustomerDto, CustomerView, FindCustomersQueryDto, UpdateCustomerDto } from './customer.dto';
import { CustomerEntity } from './customer.entity';
import { CustomerException, CustomerExceptionCode } from './customer.exception';
import { normalizePhone } from './phone';

const UNIQUE_VIOLATION = '23505';

/** Customers: found by phone or email when a contact comes in, created when unknown. */
@Injectable()
export class CustomersService {
  private readonly logger = new Logger(CustomersService.name);

  constructor(
    @InjectRepository(CustomerEntity) private readonly customers: Repository<CustomerEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
  ) {}

  async create(dto: CreateCustomerDto): Promise<CustomerView> {
    await this.assertAgent(dto.accountManagerAgentId);
    try {
      const saved = await this.customers.save(this.customers.create({ ...this.fields(dto), vip: dto.vip ?? false }));
      return toCustomerView(saved);
    } catch (error) {
      if (isUniqueViolation(error)) throw new CustomerException(CustomerExceptionCode.TAKEN, 'a customer with this phone or email exists');
      throw error;
    }
  }

  async update(id: string, dto: UpdateCustomerDto): Promise<CustomerView> {
    const customer = await this.entity(id);
    await this.assertAgent(dto.accountManagerAgentId);
    try {
      return toCustomerView(await this.customers.save({ ...customer, ...this.fields(dto), ...(dto.vip === undefined ? {} : { vip: dto.vip }) }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new CustomerException(CustomerExceptionCode.TAKEN, 'a customer with this phone or email exists');
      throw error;
    }
  }

  async get(id: string): Promise<CustomerView> {
    return toCustomerView(await this.entity(id));
  }

  async find(query: FindCustomersQueryDto): Promise<CustomerView[]> {
    const where = [
      ...(query.phone ? [{ phone: normalizePhone(query.phone) ?? '' }] : []),
      ...(query.email ? [{ email: query.email.toLowerCase() }] : []),
    ];
    const rows = await this.customers.find({ where: where.length ? where : {}, order: { createdAt: 'DESC' }, take: 100 });
    return rows.map(toCustomerView);
  }

  async entity(id: string): Promise<CustomerEntity> {
    const customer = await this.customers.findOneBy({ id });
    if (!customer) throw new CustomerException(CustomerExceptionCode.NOT_FOUND, `customer ${id} not found`);
    return customer;
  }

  /** The customer calling from this number; created (nameless) the first time. Null for withheld numbers. */
  async findOrCreateByPhone(rawPhone: string, name: string | null = null): Promise<CustomerEntity | null> {
    const phone = normalizePhone(rawPhone);
    if (!phone) return null;
    return this.findOrCreate({ phone }, { phone, name });
  }

  async findOrCreateByEmail(rawEmail: string, name: string | null = null): Promise<CustomerEntity> {
    const email = rawEmail.trim().toLowerCase();
    return this.findOrCreate({ email }, { email, name });
  }

  /** A visitor who gave no address (web chat). */
  async createAnonymous(name: string | null): Promise<CustomerEntity> {
    return this.customers.save(this.customers.create({ name }));
  }

  private async findOrCreate(key: { phone: string } | { email: string }, fields: Partial<CustomerEntity>): Promise<CustomerEntity> {
    const existing = await this.customers.findOneBy(key);
    if (existing) return existing;
    // Two contacts from one new customer at once: the unique index keeps one row, both get it.
    await this.customers.createQueryBuilder().insert().values(fields).orIgnore().execute();
    return this.customers.findOneByOrFail(key);
  }

  private fields(dto: CreateCustomerDto): Partial<CustomerEntity> {
    const out: Partial<CustomerEntity> = {};
    if (dto.name !== undefined) out.name = dto.name;
    if (dto.email !== undefined) out.email = dto.email.toLowerCase();
    if (dto.phone !== undefined) out.phone = normalizePhone(dto.phone);
    if (dto.accountManagerAgentId !== undefined) out.accountManagerAgentId = dto.accountManagerAgentId;
    return out;
  }

  private async assertAgent(agentId: string | null | undefined): Promise<void> {
    if (agentId && !(await this.agents.existsBy({ id: agentId }))) {
      throw new CustomerException(CustomerExceptionCode.AGENT_NOT_FOUND, `agent ${agentId} does not exist`);
    }
  }
}

export function toCustomerView(customer: CustomerEntity): CustomerView {
  return {
    id: customer.id,
    name: customer.name,
    email: customer.email,
    phone: customer.phone,
    accountManagerAgentId: customer.accountManagerAgentId,
    vip: customer.vip,
    createdAt: customer.createdAt.toISOString(),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION;
}
