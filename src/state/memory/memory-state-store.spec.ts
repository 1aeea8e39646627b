import { describeStateStoreContract } from '../state-store.contract';
import { MemoryStateStore } from './memory-state-store';

describeStateStoreContract('memory', async () => {
  const store = new MemoryStateStore();
  await store.init();
  // A single process: there is no second node on the same data, so no `other`.
  return { store, cleanup: () => store.close() };
});
