import { MemoryStateStore } from '../state/memory/memory-state-store';
import { TimerService } from './timer.service';

/** The timer runner on the in-process store: how it stops. */
describe('TimerService shutdown', () => {
  let store: MemoryStateStore;
  let timers: TimerService;

  beforeEach(async () => {
    store = new MemoryStateStore();
    timers = new TimerService(store);
    await timers.onApplicationBootstrap();
  });

  it('lets a timer already claimed finish before it reports itself stopped', async () => {
    const events: string[] = [];
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    timers.register('wrapup-end', async (id) => {
      events.push(`start ${id}`);
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      events.push(`end ${id}`);
    });
    await timers.schedule('wrapup-end', 'agent-1', Date.now());
    await running;
    await timers.onModuleDestroy();
    events.push('stopped');
    expect(events).toEqual(['start agent-1', 'end agent-1', 'stopped']);
  });

  it('runs nothing scheduled after it stopped', async () => {
    const ran: string[] = [];
    timers.register('wrapup-end', async (id) => void ran.push(id));
    await timers.onModuleDestroy();
    await timers.schedule('wrapup-end', 'agent-2', Date.now());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran).toEqual([]);
    // The timer stays in the store for another node (or this one after a restart) to run.
    expect(await store.nextTimerDue()).not.toBeNull();
  });
});
