import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConversationEntity } from '../src/conversations/conversation.entity';
import { ConversationsService } from '../src/conversations/conversations.service';
import { MessageEntity } from '../src/conversations/message.entity';
import * as refToken from '../src/conversations/ref-token';
import { CustomerEntity } from '../src/customers/customer.entity';
import { buildDataSourceOptions, runPendingMigrations } from '../src/database/data-source';
import { DirectoryService } from '../src/routing/directory.service';
import { TaskHistoryService } from '../src/tasks/task-history.service';
import { TaskEntity } from '../src/tasks/task.entity';
import { createTestDatabase, TestDatabase } from './support/database';

Logger.overrideLogger(['fatal', 'error']);

/**
 * Opening a conversation inside the caller's transaction (email ingestion
 * writes a new thread's conversation with its first message), against a real,
 * migrated database.
 */
describe('ConversationsService.open (real Postgres)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let service: ConversationsService;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(buildDataSourceOptions(database.url));
    await dataSource.initialize();
    await runPendingMigrations(dataSource, new Logger('test'));
    service = new ConversationsService(
      dataSource.getRepository(ConversationEntity),
      dataSource.getRepository(MessageEntity),
      dataSource.getRepository(CustomerEntity),
      dataSource.getRepository(TaskEntity),
      {} as DirectoryService, // not used by open
      {} as TaskHistoryService,
    );
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await dataSource?.destroy();
    await database?.drop();
  });

  it('leaves no conversation when the transaction it was opened in fails', async () => {
    let opened: ConversationEntity | null = null;
    await expect(
      dataSource.transaction(async (manager) => {
        opened = await service.open({ customerId: null, channel: 'email', subject: 'Lost' }, manager);
        throw new Error('crash before the message is written');
      }),
    ).rejects.toThrow('crash before');
    expect(opened!.id).toEqual(expect.any(String));
    expect(await dataSource.getRepository(ConversationEntity).countBy({ id: opened!.id })).toBe(0);
  });

  it('draws another reference on a collision without aborting the transaction, and answers the stored row', async () => {
    const first = await service.open({ customerId: null, channel: 'chat' });
    const draw = jest.spyOn(refToken, 'generateRef').mockReturnValueOnce(first.ref);
    const second = await dataSource.transaction(async (manager) => {
      const conversation = await service.open({ customerId: null, channel: 'email', subject: 'Second' }, manager);
      // The transaction is still usable after the collision.
      await manager.update(ConversationEntity, { id: conversation.id }, { subject: 'Second, updated' });
      return conversation;
    });
    expect(draw).toHaveBeenCalledTimes(2);
    expect(second.ref).not.toBe(first.ref);
    expect(second).toMatchObject({ id: expect.any(String), status: 'open', channel: 'email', createdAt: expect.any(Date) });
    const stored = await dataSource.getRepository(ConversationEntity).findOneByOrFail({ id: second.id });
    expect(stored).toMatchObject({ ref: second.ref, subject: 'Second, updated', status: 'open' });
  });
});
