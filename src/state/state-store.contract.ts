import { ChannelCounts } from '../tasks/channel';
import { NO_ANSWER_REASON } from '../presence/presence-state';
import { ClaimRules, LaneRef, LiveAgent, LiveOffer, StateStore } from './state-store';

/**
 * The one behavioural contract of the StateStore port, run against every
 * adapter (src/state/memory/*.spec.ts, src/state/redis/*.spec.ts), in the
 * manner of the socket.io redis adapter's shared suite.
 */
export interface StateStoreFixture {
  /** A store, already `init()`ed, on empty backing data. */
  store: StateStore;
  /** Another store (another node) on the same backing data, `init()`ed; absent for single-process stores. */
  other?: () => Promise<StateStore>;
  /** Closes every store the fixture opened and deletes its data. */
  cleanup: () => Promise<void>;
}

export interface StateStoreContractOptions {
  /**
   * The fixtures provide `other`: registers the multi-node tests. Jest builds
   * its test list synchronously, before any fixture exists, so this has to be
   * said up front rather than discovered from a fixture.
   */
  multiInstance?: boolean;
}

const T0 = 1_700_000_000_000;
const NO_RULES: ClaimRules = { blockers: { voice: [], chat: [], email: [] } };
const VOICE_EXCLUSIVE: ClaimRules = { blockers: { voice: ['chat', 'email'], chat: ['voice'], email: ['voice'] } };
const counts = (voice: number, chat: number, email: number): ChannelCounts => ({ voice, chat, email });
const chatLane = (key: string, offerTimeoutMs = 30_000): LaneRef => ({ key, channel: 'chat', offerTimeoutMs });
const lane = (key: string, channel: LaneRef['channel'], offerTimeoutMs = 30_000): LaneRef => ({ key, channel, offerTimeoutMs });
const byId = <T extends { agentId: string }>(a: T, b: T): number => (a.agentId < b.agentId ? -1 : 1);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds: pub/sub deliveries arrive on a later tick (Redis) or at once (memory). */
async function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function asOffer(result: LiveOffer | string | null): LiveOffer {
  if (result === null || typeof result === 'string') throw new Error(`expected an offer, got ${String(result)}`);
  return result;
}

async function availableAgent(store: StateStore, agentId: string, capacity: ChannelCounts, now: number): Promise<LiveAgent> {
  await store.putAgent(agentId, capacity, now);
  return (await store.setPresence(agentId, 'available', null, now)) as LiveAgent;
}

/** Writes an agent directly with the given load (the recovery primitive doubles as a test setter). */
async function agentWithLoad(store: StateStore, agentId: string, capacity: ChannelCounts, load: ChannelCounts, idleSince = T0): Promise<void> {
  await store.restoreAgent({ agentId, state: 'available', reason: null, since: T0, idleSince, capacity, load });
}

export function describeStateStoreContract(
  name: string,
  factory: () => Promise<StateStoreFixture>,
  options: StateStoreContractOptions = {},
): void {
  describe(`StateStore contract: ${name}`, () => {
    let fixture: StateStoreFixture;
    let store: StateStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const otherStore = async (): Promise<StateStore> => {
      if (!fixture.other) throw new Error(`${name}: multiInstance is set but the fixture has no other()`);
      return fixture.other();
    };

    describe('lifecycle', () => {
      it('is fresh until marked initialized', async () => {
        expect(await store.ping()).toBe(true);
        expect(await store.isFresh()).toBe(true);
        expect(await store.init()).toEqual({ fresh: true });
        await store.markInitialized();
        expect(await store.isFresh()).toBe(false);
        expect(await store.init()).toEqual({ fresh: false });
      });
    });

    describe('agents', () => {
      it('creates an agent offline with zero load, then only updates its capacity', async () => {
        expect(await store.putAgent('a', counts(1, 3, 2), T0)).toEqual({
          agentId: 'a', state: 'offline', reason: null, since: T0, idleSince: T0, capacity: counts(1, 3, 2), load: counts(0, 0, 0),
        });
        await store.setPresence('a', 'away', 'lunch', T0 + 5);
        const updated = await store.putAgent('a', counts(0, 5, 1), T0 + 10);
        expect(updated).toEqual({
          agentId: 'a', state: 'away', reason: 'lunch', since: T0 + 5, idleSince: T0, capacity: counts(0, 5, 1), load: counts(0, 0, 0),
        });
        expect(await store.getAgent('a')).toEqual(updated);
      });

      it('reads, lists and removes agents', async () => {
        await store.putAgent('a', counts(1, 1, 1), T0);
        await availableAgent(store, 'b', counts(1, 1, 1), T0);
        expect(await store.getAgent('ghost')).toBeNull();
        const [a, ghost, b] = await store.getAgents(['a', 'ghost', 'b']);
        expect(a?.agentId).toBe('a');
        expect(ghost).toBeNull();
        expect(b?.state).toBe('available');
        expect((await store.listAgents()).sort(byId).map((agent) => agent.agentId)).toEqual(['a', 'b']);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b']);

        await store.removeAgent('b');
        expect(await store.getAgent('b')).toBeNull();
        expect((await store.listAgents()).map((agent) => agent.agentId)).toEqual(['a']);
        expect(await store.countFreeAgents('chat')).toBe(0);
        expect(await store.setPresence('b', 'available', null, T0)).toBeNull();
      });

      it('sets presence: since moves on change, idleSince only when becoming available', async () => {
        await store.putAgent('a', counts(1, 1, 1), T0);
        expect(await store.setPresence('ghost', 'available', null, T0)).toBeNull();

        const available = await store.setPresence('a', 'available', null, T0 + 10);
        expect(available).toMatchObject({ state: 'available', reason: null, since: T0 + 10, idleSince: T0 + 10 });
        // Same state again: nothing moves.
        expect(await store.setPresence('a', 'available', null, T0 + 20)).toMatchObject({ since: T0 + 10, idleSince: T0 + 10 });

        expect(await store.setPresence('a', 'away', 'break', T0 + 30)).toMatchObject({ state: 'away', reason: 'break', since: T0 + 30, idleSince: T0 + 10 });
        // A new reason is a change of presence.
        expect(await store.setPresence('a', 'away', 'lunch', T0 + 40)).toMatchObject({ reason: 'lunch', since: T0 + 40 });
        expect(await store.setPresence('a', 'away', 'lunch', T0 + 50)).toMatchObject({ since: T0 + 40 });
        expect(await store.setPresence('a', 'available', null, T0 + 60)).toMatchObject({ reason: null, since: T0 + 60, idleSince: T0 + 60 });
      });

      it('sets presence conditionally on the current state and when it was entered', async () => {
        await store.putAgent('a', counts(1, 1, 1), T0);
        await store.setPresence('a', 'wrapup', 'after-task', T0 + 10);

        expect(await store.setPresenceIf('a', 'away', null, 'available', null, T0 + 20)).toBeNull();
        expect(await store.setPresenceIf('a', 'wrapup', T0 + 9, 'available', null, T0 + 20)).toBeNull();
        expect(await store.setPresenceIf('ghost', 'wrapup', null, 'available', null, T0 + 20)).toBeNull();
        expect(await store.getAgent('a')).toMatchObject({ state: 'wrapup', reason: 'after-task', since: T0 + 10 });

        expect(await store.setPresenceIf('a', 'wrapup', T0 + 10, 'available', null, T0 + 20)).toMatchObject({
          state: 'available', reason: null, since: T0 + 20, idleSince: T0 + 20,
        });
        expect(await store.setPresenceIf('a', 'available', null, 'offline', null, T0 + 30)).toMatchObject({ state: 'offline', since: T0 + 30 });
      });

      it('restores a whole agent and derives its free-index entries', async () => {
        const agent: LiveAgent = {
          agentId: 'a', state: 'available', reason: null, since: T0, idleSince: T0 - 5, capacity: counts(1, 3, 2), load: counts(0, 1, 2),
        };
        await store.restoreAgent(agent);
        expect(await store.getAgent('a')).toEqual(agent);
        expect(await store.listFreeAgents('voice', 0, 10)).toEqual(['a']);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['a']);
        expect(await store.listFreeAgents('email', 0, 10)).toEqual([]);

        await store.restoreAgent({ ...agent, state: 'away', reason: 'no-answer' });
        expect(await store.getAgent('a')).toMatchObject({ state: 'away', reason: 'no-answer' });
        expect(await store.countFreeAgents('voice')).toBe(0);
      });
    });

    describe('free index', () => {
      it('orders free agents longest idle first, then by id, and pages', async () => {
        await availableAgent(store, 'a', counts(0, 2, 1), T0 + 10);
        await availableAgent(store, 'c', counts(0, 2, 1), T0 + 5);
        await availableAgent(store, 'b', counts(0, 2, 1), T0 + 5);
        await store.putAgent('offline', counts(1, 2, 1), T0);

        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b', 'c', 'a']);
        expect(await store.listFreeAgents('chat', 1, 1)).toEqual(['c']);
        expect(await store.listFreeAgents('chat', 0, 0)).toEqual([]);
        expect(await store.countFreeAgents('chat')).toBe(3);
        // No capacity on voice: never free there.
        expect(await store.listFreeAgents('voice', 0, 10)).toEqual([]);
      });

      it('sends an agent who becomes available again to the back of the line', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await availableAgent(store, 'b', counts(0, 1, 0), T0 + 1);
        await store.setPresence('a', 'away', 'break', T0 + 2);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b']);
        await store.setPresence('a', 'available', null, T0 + 3);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b', 'a']);
      });

      it('resets idleSince when the last unit of load is released, not before', async () => {
        await agentWithLoad(store, 'a', counts(1, 2, 1), counts(0, 2, 1), T0);
        await availableAgent(store, 'b', counts(1, 2, 1), T0 + 50);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b']);

        expect(await store.releaseLoad('a', 'chat', T0 + 100)).toMatchObject({ load: counts(0, 1, 1), idleSince: T0 });
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['a', 'b']);
        expect(await store.releaseLoad('a', 'chat', T0 + 200)).toMatchObject({ load: counts(0, 0, 1), idleSince: T0 });
        expect(await store.releaseLoad('a', 'email', T0 + 300)).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 + 300 });
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b', 'a']);
      });

      it('never releases load below zero, and a release with nothing to give back changes nothing', async () => {
        await availableAgent(store, 'a', counts(1, 1, 1), T0);
        expect(await store.releaseLoad('a', 'voice', T0 + 100)).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 });
        expect(await store.releaseLoad('ghost', 'voice', T0 + 100)).toBeNull();
        expect(await store.countFreeAgents('voice')).toBe(1);
      });

      it('keeps idleSince when a pending offer is rejected', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await availableAgent(store, 'b', counts(0, 1, 0), T0 + 50);
        await store.enqueue({ taskId: 't1', laneKey: 'L', score: 1 });
        const offer = asOffer(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0 + 100));
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['b']);
        await store.rejectOffer(offer.offerId, 'a', 1_000, T0 + 200);
        expect(await store.getAgent('a')).toMatchObject({ idleSince: T0, load: counts(0, 0, 0) });
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['a', 'b']);
      });
    });

    describe('lanes and queued tasks', () => {
      it('registers lane descriptors once', async () => {
        const chat = { key: 'q1|billing', queueId: 'q1', channel: 'chat' as const, skills: ['billing'] };
        const personal = { key: 'q1|@a', queueId: 'q1', channel: 'chat' as const, skills: [], preferredAgentId: 'a' };
        expect(await store.registerLane(chat)).toBe(true);
        expect(await store.registerLane({ ...chat, skills: ['other'] })).toBe(false);
        expect(await store.registerLane(personal)).toBe(true);
        const lanes = (await store.listLanes()).sort((x, y) => (x.key < y.key ? -1 : 1));
        expect(lanes).toEqual([personal, chat]);
      });

      it('enqueues idempotently, moves tasks between lanes and dequeues', async () => {
        await store.enqueue({ taskId: 't1', laneKey: 'A', score: 10 });
        await store.enqueue({ taskId: 't1', laneKey: 'A', score: 10 });
        await store.enqueue({ taskId: 't2', laneKey: 'A', score: 20 });
        expect(await store.laneSizes(['A', 'B', 'nowhere'])).toEqual([2, 0, 0]);

        await store.enqueue({ taskId: 't1', laneKey: 'B', score: 5 });
        expect(await store.findQueued('t1')).toEqual({ taskId: 't1', laneKey: 'B', score: 5 });
        expect(await store.laneSizes(['A', 'B'])).toEqual([1, 1]);
        await store.enqueue({ taskId: 't1', laneKey: 'B', score: 30 });
        expect(await store.laneHeads(['B'], 5)).toEqual([[{ taskId: 't1', laneKey: 'B', score: 30 }]]);

        expect(await store.dequeue('t1')).toBe(true);
        expect(await store.dequeue('t1')).toBe(false);
        expect(await store.findQueued('t1')).toBeNull();
        expect(await store.laneSizes(['A', 'B'])).toEqual([1, 0]);
      });

      it('returns lane heads by score then task id', async () => {
        for (const [taskId, score] of [['t5', 3], ['t2', 1], ['t4', 2], ['t3', 2], ['t1', 9]] as const) {
          await store.enqueue({ taskId, laneKey: 'A', score });
        }
        await store.enqueue({ taskId: 'u1', laneKey: 'B', score: 0.5 });
        const [a, b, none] = await store.laneHeads(['A', 'B', 'C'], 4);
        expect(a.map((task) => task.taskId)).toEqual(['t2', 't3', 't4', 't5']);
        expect(a[1]).toEqual({ taskId: 't3', laneKey: 'A', score: 2 });
        expect(b).toEqual([{ taskId: 'u1', laneKey: 'B', score: 0.5 }]);
        expect(none).toEqual([]);
        expect(await store.laneHeads(['A'], 0)).toEqual([[]]);
      });

      it('keeps opaque lane keys and precise scores intact', async () => {
        const laneKey = 'queue:7|skills:fr,billing|@agent:1';
        const score = 1_700_000_123_456.789;
        await store.enqueue({ taskId: 'task|1', laneKey, score });
        expect(await store.findQueued('task|1')).toEqual({ taskId: 'task|1', laneKey, score });
        expect(await store.laneHeads([laneKey], 1)).toEqual([[{ taskId: 'task|1', laneKey, score }]]);
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        const offer = asOffer(await store.claimNextTask('a', [chatLane(laneKey)], NO_RULES, T0));
        expect(offer).toMatchObject({ taskId: 'task|1', laneKey, score });
        await store.rejectOffer(offer.offerId, 'a', 0, T0 + 1);
        expect(await store.findQueued('task|1')).toEqual({ taskId: 'task|1', laneKey, score });
      });
    });

    describe('claimNextTask', () => {
      it('fails with agent-unavailable unless the agent is available', async () => {
        await store.enqueue({ taskId: 't1', laneKey: 'L', score: 1 });
        expect(await store.claimNextTask('ghost', [chatLane('L')], NO_RULES, T0)).toBe('agent-unavailable');
        await store.putAgent('a', counts(1, 1, 1), T0);
        expect(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0)).toBe('agent-unavailable');
        await store.setPresence('a', 'wrapup', null, T0);
        expect(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0)).toBe('agent-unavailable');
        expect(await store.laneSizes(['L'])).toEqual([1]);
      });

      it('fails with no-task when nothing fits', async () => {
        await availableAgent(store, 'a', counts(1, 1, 0), T0);
        expect(await store.claimNextTask('a', [], NO_RULES, T0)).toBe('no-task');
        expect(await store.claimNextTask('a', [chatLane('empty')], NO_RULES, T0)).toBe('no-task');
        await store.enqueue({ taskId: 'e1', laneKey: 'mail', score: 1 });
        expect(await store.claimNextTask('a', [lane('mail', 'email')], NO_RULES, T0)).toBe('no-task');
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0) });
      });

      it('takes the lowest score across lanes and creates a pending offer with its expiry timer', async () => {
        await availableAgent(store, 'a', counts(1, 2, 1), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'chat-q', score: 100 });
        await store.enqueue({ taskId: 't2', laneKey: 'chat-q', score: 300 });
        await store.enqueue({ taskId: 't3', laneKey: 'mail-q', score: 200 });
        const lanes = [chatLane('chat-q', 30_000), lane('mail-q', 'email', 60_000)];

        const first = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 1_000));
        expect(first).toEqual({
          offerId: expect.any(String), taskId: 't1', agentId: 'a', channel: 'chat', laneKey: 'chat-q', score: 100,
          createdAt: T0 + 1_000, expiresAt: T0 + 31_000, status: 'pending',
        });
        expect(await store.findQueued('t1')).toBeNull();
        expect(await store.laneSizes(['chat-q', 'mail-q'])).toEqual([1, 1]);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 1, 0) });
        expect(await store.getOffer(first.offerId)).toEqual(first);
        expect(await store.taskOffer('t1')).toEqual(first);
        expect(await store.agentOffers('a')).toEqual([first]);
        expect(await store.nextTimerDue()).toBe(T0 + 31_000);

        const second = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 2_000));
        expect(second).toMatchObject({ taskId: 't3', channel: 'email', laneKey: 'mail-q', score: 200, expiresAt: T0 + 62_000 });
        expect(second.offerId).not.toBe(first.offerId);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 1, 1) });
        expect((await store.agentOffers('a')).map((offer) => offer.taskId).sort()).toEqual(['t1', 't3']);
        // Email is full now, chat still has room.
        expect(await store.listFreeAgents('email', 0, 10)).toEqual([]);
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['a']);

        expect(await store.claimDueTimers(T0 + 31_000, 10)).toEqual([{ kind: 'offer-expiry', id: first.offerId, dueAt: T0 + 31_000 }]);
      });

      it('breaks score ties by task id', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await store.enqueue({ taskId: 'tb', laneKey: 'X', score: 5 });
        await store.enqueue({ taskId: 'ta', laneKey: 'Y', score: 5 });
        expect(asOffer(await store.claimNextTask('a', [chatLane('X'), chatLane('Y')], NO_RULES, T0)).taskId).toBe('ta');
      });

      it('skips lanes whose channel is at capacity', async () => {
        await agentWithLoad(store, 'a', counts(0, 1, 1), counts(0, 1, 0));
        await store.enqueue({ taskId: 'c1', laneKey: 'chat-q', score: 1 });
        await store.enqueue({ taskId: 'e1', laneKey: 'mail-q', score: 50 });
        const offer = asOffer(await store.claimNextTask('a', [chatLane('chat-q'), lane('mail-q', 'email')], NO_RULES, T0));
        expect(offer.taskId).toBe('e1');
        expect(await store.claimNextTask('a', [chatLane('chat-q'), lane('mail-q', 'email')], NO_RULES, T0)).toBe('no-task');
      });

      it('skips lanes blocked by the exclusivity rules', async () => {
        await agentWithLoad(store, 'chatting', counts(1, 3, 1), counts(0, 1, 0));
        await agentWithLoad(store, 'calling', counts(1, 3, 1), counts(1, 0, 0));
        await store.enqueue({ taskId: 'v1', laneKey: 'voice-q', score: 1 });
        await store.enqueue({ taskId: 'c1', laneKey: 'chat-q', score: 10 });
        const lanes = [lane('voice-q', 'voice'), chatLane('chat-q')];

        expect(await store.claimNextTask('calling', lanes, VOICE_EXCLUSIVE, T0)).toBe('no-task');
        expect(asOffer(await store.claimNextTask('chatting', lanes, VOICE_EXCLUSIVE, T0)).taskId).toBe('c1');
        // Without the rule the chatting agent could take the call.
        await agentWithLoad(store, 'chatting2', counts(1, 3, 1), counts(0, 1, 0));
        expect(asOffer(await store.claimNextTask('chatting2', lanes, NO_RULES, T0)).taskId).toBe('v1');
      });

      it('skips a task the agent rejected during its cooldown, and takes it after', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'A', score: 1 });
        await store.enqueue({ taskId: 't2', laneKey: 'A', score: 5 });
        await store.enqueue({ taskId: 't9', laneKey: 'B', score: 3 });
        const lanes = [chatLane('A'), chatLane('B')];

        const first = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0));
        expect(first.taskId).toBe('t1');
        await store.rejectOffer(first.offerId, 'a', 5_000, T0 + 10);

        // Lane A's first eligible head is t2 (5); lane B's is t9 (3).
        const second = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 20));
        expect(second.taskId).toBe('t9');
        await store.revokeOffer(second.offerId, T0 + 30);
        const third = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 40));
        expect(third.taskId).toBe('t2');
        await store.rejectOffer(third.offerId, 'a', 0, T0 + 50);

        // Cooldown over (until = T0 + 5010): t1 is the head again for this agent.
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 5_010)).taskId).toBe('t1');
      });

      it('lets other agents take a task one agent rejected', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await availableAgent(store, 'b', counts(0, 1, 0), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'A', score: 1 });
        const offer = asOffer(await store.claimNextTask('a', [chatLane('A')], NO_RULES, T0));
        await store.rejectOffer(offer.offerId, 'a', 60_000, T0 + 1);
        expect(await store.claimNextTask('a', [chatLane('A')], NO_RULES, T0 + 2)).toBe('no-task');
        expect(asOffer(await store.claimNextTask('b', [chatLane('A')], NO_RULES, T0 + 3)).taskId).toBe('t1');
      });

      it('looks at most a few heads deep into a lane (never scans it)', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        for (let i = 1; i <= 9; i++) await store.enqueue({ taskId: `t${i}`, laneKey: 'A', score: i });
        for (let i = 1; i <= 8; i++) {
          const offer = asOffer(await store.claimNextTask('a', [chatLane('A')], NO_RULES, T0 + i));
          expect(offer.taskId).toBe(`t${i}`);
          await store.rejectOffer(offer.offerId, 'a', 60_000, T0 + i);
        }
        // t9 is queued but lies past the lookahead (8 heads), all rejected by this agent.
        expect(await store.claimNextTask('a', [chatLane('A')], NO_RULES, T0 + 100)).toBe('no-task');
        expect(await store.laneSizes(['A'])).toEqual([9]);
      });
    });

    describe('claimNextTask with a claim policy', () => {
      const SLA_GUARD = 'sla-guard';
      /** An email lane whose task reaches its guard `offset` ms after its score. */
      const emailLane = (key: string, guardOffsetMs: number): LaneRef => ({ key, channel: 'email', offerTimeoutMs: 60_000, guardOffsetMs });
      const lull = (maxWaiting: number, maxWaitMs: number, voiceLanes = [{ key: 'calls', enqueueOffsetMs: 10_000 }]) => ({ voiceLanes, maxWaiting, maxWaitMs });

      it('applies the policy caps on top of the agent capacity', async () => {
        await availableAgent(store, 'a', counts(0, 3, 2), T0);
        for (const id of ['c1', 'c2', 'c3']) await store.enqueue({ taskId: id, laneKey: 'chat-q', score: 1 });
        await store.enqueue({ taskId: 'e1', laneKey: 'mail-q', score: 9 });
        const lanes = [chatLane('chat-q'), lane('mail-q', 'email')];
        const policy = { caps: { chat: 1 } };
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0, policy)).channel).toBe('chat');
        // Chat is capped at 1: the next claim takes the email although chat work waits with a lower score.
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0, policy)).taskId).toBe('e1');
        expect(await store.claimNextTask('a', lanes, NO_RULES, T0, policy)).toBe('no-task');
        // Without the cap the agent's own capacity (3 chats) applies.
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0)).channel).toBe('chat');
      });

      it('takes deferrable work during a lull, and holds it back (arming its guard timer) outside one', async () => {
        await availableAgent(store, 'a', counts(1, 1, 1), T0);
        await store.enqueue({ taskId: 'mail', laneKey: 'mail-q', score: T0 });
        await store.enqueue({ taskId: 'chat', laneKey: 'chat-q', score: T0 + 50 });
        const lanes = [emailLane('mail-q', 5_000), chatLane('chat-q')];
        // The agent takes no calls (no lull given): always a lull.
        const first = asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 10, { guardTimerKind: SLA_GUARD }));
        expect(first.taskId).toBe('mail');
        await store.revokeOffer(first.offerId, T0 + 11);
        await store.enqueue({ taskId: 'mail', laneKey: 'mail-q', score: T0 });

        // Two calls wait (more than 1): no lull. The email is held back, the chat goes out instead.
        await store.enqueue({ taskId: 'v1', laneKey: 'calls', score: T0 + 10_000 });
        await store.enqueue({ taskId: 'v2', laneKey: 'calls', score: T0 + 10_001 });
        const policy = { lull: lull(1, 60_000), guardTimerKind: SLA_GUARD };
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 20, policy)).taskId).toBe('chat');
        expect(await store.laneSizes(['mail-q', 'calls'])).toEqual([1, 2]);
        // Its guard (score + 5 000) is armed as a store timer, once.
        expect(await store.claimDueTimers(T0 + 5_000, 10)).toEqual([{ kind: SLA_GUARD, id: 'mail-q', dueAt: T0 + 5_000 }]);
        expect(await store.claimNextTask('a', [emailLane('mail-q', 5_000)], NO_RULES, T0 + 30, policy)).toBe('no-task');
        expect(await store.nextTimerDue()).toBe(T0 + 5_000);

        // The guard reached: it goes out even outside a lull.
        expect(asOffer(await store.claimNextTask('a', [emailLane('mail-q', 5_000)], NO_RULES, T0 + 5_000, policy)).taskId).toBe('mail');
      });

      it('ends the lull when the oldest call has waited too long, not only when too many wait', async () => {
        await availableAgent(store, 'a', counts(1, 1, 1), T0);
        await store.enqueue({ taskId: 'mail', laneKey: 'mail-q', score: T0 });
        // One call, enqueued at T0 (score - 10 000).
        await store.enqueue({ taskId: 'v1', laneKey: 'calls', score: T0 + 10_000 });
        const lanes = [emailLane('mail-q', 3_600_000)];
        expect(await store.claimNextTask('a', lanes, NO_RULES, T0 + 31_000, { lull: lull(5, 30_000) })).toBe('no-task');
        expect(asOffer(await store.claimNextTask('a', lanes, NO_RULES, T0 + 29_000, { lull: lull(5, 30_000) })).taskId).toBe('mail');
      });

      it('takes deferrable work while the voice lanes are quiet, and never holds back other lanes', async () => {
        await availableAgent(store, 'a', counts(1, 2, 1), T0);
        await store.enqueue({ taskId: 'mail', laneKey: 'mail-q', score: T0 + 1 });
        await store.enqueue({ taskId: 'v1', laneKey: 'calls', score: T0 + 10_000 });
        const policy = { lull: lull(1, 60_000) };
        // One call waiting (≤ 1) for 1 s (≤ 60 s): a lull.
        expect(asOffer(await store.claimNextTask('a', [emailLane('mail-q', 3_600_000)], NO_RULES, T0 + 1_000, policy)).taskId).toBe('mail');
        // Voice lanes are only read, never taken from, unless they are lanes of the claim.
        expect(await store.laneSizes(['calls'])).toEqual([1]);
      });
    });

    describe('claimAgentForTask', () => {
      it('offers the task to the first candidate who may take it', async () => {
        await store.putAgent('offline', counts(1, 2, 1), T0);
        await agentWithLoad(store, 'full', counts(1, 1, 1), counts(0, 1, 0));
        await agentWithLoad(store, 'calling', counts(1, 2, 1), counts(1, 0, 0));
        await availableAgent(store, 'rejecter', counts(1, 2, 1), T0);
        await availableAgent(store, 'ok1', counts(1, 2, 1), T0);
        await availableAgent(store, 'ok2', counts(1, 2, 1), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'chat-q', score: 42 });

        const rejected = asOffer(await store.claimAgentForTask('t1', ['rejecter'], chatLane('chat-q'), VOICE_EXCLUSIVE, T0));
        await store.rejectOffer(rejected.offerId, 'rejecter', 60_000, T0 + 1);

        const candidates = ['ghost', 'offline', 'full', 'calling', 'rejecter', 'ok2', 'ok1'];
        const offer = asOffer(await store.claimAgentForTask('t1', candidates, chatLane('chat-q', 20_000), VOICE_EXCLUSIVE, T0 + 10));
        expect(offer).toEqual({
          offerId: expect.any(String), taskId: 't1', agentId: 'ok2', channel: 'chat', laneKey: 'chat-q', score: 42,
          createdAt: T0 + 10, expiresAt: T0 + 20_010, status: 'pending',
        });
        expect(await store.findQueued('t1')).toBeNull();
        expect(await store.getAgent('ok2')).toMatchObject({ load: counts(0, 1, 0) });
        expect(await store.taskOffer('t1')).toEqual(offer);
        expect(await store.nextTimerDue()).toBe(T0 + 20_010);
        // No longer queued: nobody else gets it.
        expect(await store.claimAgentForTask('t1', ['ok1'], chatLane('chat-q'), VOICE_EXCLUSIVE, T0 + 20)).toBeNull();
        expect(await store.getAgent('ok1')).toMatchObject({ load: counts(0, 0, 0) });
      });

      it('returns null and leaves the task queued when no candidate fits', async () => {
        await agentWithLoad(store, 'full', counts(1, 1, 1), counts(0, 1, 0));
        await store.enqueue({ taskId: 't1', laneKey: 'chat-q', score: 1 });
        expect(await store.claimAgentForTask('t1', ['full', 'ghost'], chatLane('chat-q'), NO_RULES, T0)).toBeNull();
        expect(await store.claimAgentForTask('t1', [], chatLane('chat-q'), NO_RULES, T0)).toBeNull();
        expect(await store.findQueued('t1')).toEqual({ taskId: 't1', laneKey: 'chat-q', score: 1 });
        expect(await store.claimAgentForTask('never-queued', ['full'], chatLane('chat-q'), NO_RULES, T0)).toBeNull();
      });

      it('takes the task from the lane it is actually in', async () => {
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'old', score: 1 });
        await store.enqueue({ taskId: 't1', laneKey: 'new', score: 2 });
        // The caller's lane may be stale (the task moved since it looked): the offer records where the task really was.
        const offer = asOffer(await store.claimAgentForTask('t1', ['a'], chatLane('stale'), NO_RULES, T0));
        expect(offer).toMatchObject({ laneKey: 'new', score: 2 });
        expect(await store.laneSizes(['old', 'new'])).toEqual([0, 0]);
      });
    });

    describe('offers', () => {
      /** One available agent `a` (chat capacity 2) holding a pending offer for `t1` from lane `L` (score 7). */
      async function pendingOffer(now = T0 + 100): Promise<LiveOffer> {
        await availableAgent(store, 'a', counts(1, 2, 1), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'L', score: 7 });
        return asOffer(await store.claimNextTask('a', [chatLane('L', 20_000)], NO_RULES, now));
      }

      async function expectGone(offer: LiveOffer): Promise<void> {
        expect(await store.getOffer(offer.offerId)).toBeNull();
        expect(await store.taskOffer(offer.taskId)).toBeNull();
        expect(await store.agentOffers(offer.agentId)).toEqual([]);
      }

      it('accepts a pending offer of the right agent only, and cancels its expiry', async () => {
        const offer = await pendingOffer();
        await availableAgent(store, 'b', counts(1, 2, 1), T0);
        expect(await store.acceptOffer(offer.offerId, 'b', T0 + 200)).toBeNull();
        expect(await store.acceptOffer('no-such-offer', 'a', T0 + 200)).toBeNull();
        expect(await store.getOffer(offer.offerId)).toMatchObject({ status: 'pending' });

        const accepted = await store.acceptOffer(offer.offerId, 'a', T0 + 200);
        expect(accepted).toEqual({ ...offer, status: 'accepted' });
        expect(await store.acceptOffer(offer.offerId, 'a', T0 + 300)).toBeNull();
        expect(await store.nextTimerDue()).toBeNull();
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 1, 0) });
        expect(await store.taskOffer('t1')).toEqual(accepted);
        expect(await store.agentOffers('a')).toEqual([accepted]);
      });

      it('rejects: re-queues with the old score, gives the load back, schedules the cooldown', async () => {
        const offer = await pendingOffer();
        expect(await store.rejectOffer(offer.offerId, 'b', 10_000, T0 + 200)).toBeNull();
        const rejected = await store.rejectOffer(offer.offerId, 'a', 10_000, T0 + 200);
        expect(rejected).toEqual(offer);
        await expectGone(offer);
        expect(await store.findQueued('t1')).toEqual({ taskId: 't1', laneKey: 'L', score: 7 });
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0), state: 'available' });
        expect(await store.nextTimerDue()).toBe(T0 + 10_200);
        expect(await store.claimDueTimers(T0 + 10_200, 10)).toEqual([{ kind: 'reject-cooldown', id: 't1', dueAt: T0 + 10_200 }]);
        expect(await store.rejectOffer(offer.offerId, 'a', 10_000, T0 + 300)).toBeNull();
      });

      it('rejects without cooldown: no timer, and the agent may be asked again at once', async () => {
        const offer = await pendingOffer();
        await store.rejectOffer(offer.offerId, 'a', 0, T0 + 200);
        expect(await store.nextTimerDue()).toBeNull();
        expect(asOffer(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0 + 201)).taskId).toBe('t1');
      });

      it('does not reject an accepted offer', async () => {
        const offer = await pendingOffer();
        await store.acceptOffer(offer.offerId, 'a', T0 + 150);
        expect(await store.rejectOffer(offer.offerId, 'a', 10_000, T0 + 200)).toBeNull();
        expect(await store.getOffer(offer.offerId)).toMatchObject({ status: 'accepted' });
        expect(await store.findQueued('t1')).toBeNull();
      });

      it('expires a pending offer: re-queued, agent away with no-answer (RONA)', async () => {
        const offer = await pendingOffer();
        expect(await store.expireOffer(offer.offerId, T0 + 20_100)).toEqual(offer);
        await expectGone(offer);
        expect(await store.findQueued('t1')).toEqual({ taskId: 't1', laneKey: 'L', score: 7 });
        expect(await store.getAgent('a')).toMatchObject({
          state: 'away', reason: NO_ANSWER_REASON, since: T0 + 20_100, idleSince: T0, load: counts(0, 0, 0),
        });
        expect(await store.countFreeAgents('chat')).toBe(0);
        expect(await store.nextTimerDue()).toBeNull();
        expect(await store.expireOffer(offer.offerId, T0 + 20_200)).toBeNull();
      });

      it('does not expire an accepted offer', async () => {
        const offer = await pendingOffer();
        await store.acceptOffer(offer.offerId, 'a', T0 + 150);
        expect(await store.expireOffer(offer.offerId, T0 + 20_100)).toBeNull();
        expect(await store.getAgent('a')).toMatchObject({ state: 'available', load: counts(0, 1, 0) });
      });

      it('revokes a pending offer without re-queueing and without touching idleSince', async () => {
        const offer = await pendingOffer();
        expect(await store.revokeOffer(offer.offerId, T0 + 500)).toEqual(offer);
        await expectGone(offer);
        expect(await store.findQueued('t1')).toBeNull();
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 });
        expect(await store.nextTimerDue()).toBeNull();
        expect(await store.revokeOffer(offer.offerId, T0 + 600)).toBeNull();
      });

      it('revokes accepted offers, resetting idleSince when the load reaches zero', async () => {
        const first = await pendingOffer(T0 + 100);
        await store.enqueue({ taskId: 't2', laneKey: 'L', score: 8 });
        const second = asOffer(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0 + 110));
        await store.acceptOffer(first.offerId, 'a', T0 + 120);
        await store.acceptOffer(second.offerId, 'a', T0 + 130);
        expect(await store.countFreeAgents('chat')).toBe(0);

        expect(await store.revokeOffer(first.offerId, T0 + 1_000)).toMatchObject({ status: 'accepted' });
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 1, 0), idleSince: T0 });
        expect(await store.agentOffers('a')).toEqual([{ ...second, status: 'accepted' }]);
        await store.revokeOffer(second.offerId, T0 + 2_000);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 + 2_000, state: 'available' });
        expect(await store.listFreeAgents('chat', 0, 10)).toEqual(['a']);
        expect(await store.agentOffers('a')).toEqual([]);
      });

      it('revokes the offer held for a task in one step (pending or accepted), or reports there is none', async () => {
        const offer = await pendingOffer();
        expect(await store.revokeTaskOffer('t1', T0 + 500)).toEqual(offer);
        await expectGone(offer);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 });
        expect(await store.revokeTaskOffer('t1', T0 + 600)).toBeNull();
        expect(await store.revokeTaskOffer('never-offered', T0 + 600)).toBeNull();

        await store.enqueue({ taskId: 't2', laneKey: 'L', score: 8 });
        const second = asOffer(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0 + 700));
        await store.acceptOffer(second.offerId, 'a', T0 + 710);
        expect(await store.revokeTaskOffer('t2', T0 + 2_000)).toEqual({ ...second, status: 'accepted' });
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 0, 0), idleSince: T0 + 2_000 });
        expect(await store.nextTimerDue()).toBeNull();
      });

      it('restores offers once, counting them in the load', async () => {
        await availableAgent(store, 'a', counts(1, 2, 1), T0);
        const accepted: LiveOffer = {
          offerId: 'o-1', taskId: 't1', agentId: 'a', channel: 'chat', laneKey: 'L', score: 7,
          createdAt: T0 - 1_000, expiresAt: T0 + 19_000, status: 'accepted',
        };
        await store.restoreOffer(accepted);
        await store.restoreOffer(accepted);
        expect(await store.getOffer('o-1')).toEqual(accepted);
        expect(await store.taskOffer('t1')).toEqual(accepted);
        expect(await store.agentOffers('a')).toEqual([accepted]);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 1, 0) });
        expect(await store.nextTimerDue()).toBeNull();

        await store.restoreOffer({ ...accepted, offerId: 'o-2', agentId: 'ghost' });
        expect(await store.getOffer('o-2')).toBeNull();

        const pending: LiveOffer = { ...accepted, offerId: 'o-3', taskId: 't3', status: 'pending', expiresAt: T0 + 5_000 };
        await store.restoreOffer(pending);
        expect(await store.nextTimerDue()).toBe(T0 + 5_000);
        expect(await store.getAgent('a')).toMatchObject({ load: counts(0, 2, 0) });
        expect(await store.countFreeAgents('chat')).toBe(0);
      });
    });

    describe('timers', () => {
      it('schedules, moves and cancels timers; hands each due timer out once', async () => {
        await store.scheduleTimer('wrapup-end', 'a', T0 + 300);
        await store.scheduleTimer('preference-end', 't1', T0 + 100);
        await store.scheduleTimer('disconnect-grace', 'x|y', T0 + 200);
        await store.scheduleTimer('wrapup-end', 'a', T0 + 50);
        await store.cancelTimer('preference-end', 't1');
        await store.cancelTimer('preference-end', 'never-scheduled');
        expect(await store.nextTimerDue()).toBe(T0 + 50);

        expect(await store.claimDueTimers(T0 + 199, 10)).toEqual([{ kind: 'wrapup-end', id: 'a', dueAt: T0 + 50 }]);
        expect(await store.claimDueTimers(T0 + 199, 10)).toEqual([]);
        expect(await store.claimDueTimers(T0 + 1_000, 10)).toEqual([{ kind: 'disconnect-grace', id: 'x|y', dueAt: T0 + 200 }]);
        expect(await store.nextTimerDue()).toBeNull();
      });

      it('claims due timers earliest first, up to the limit, due time inclusive', async () => {
        for (let i = 5; i >= 1; i--) await store.scheduleTimer('wrapup-end', `a${i}`, T0 + i * 10);
        expect(await store.claimDueTimers(T0 + 100, 0)).toEqual([]);
        expect((await store.claimDueTimers(T0 + 100, 2)).map((timer) => timer.id)).toEqual(['a1', 'a2']);
        expect((await store.claimDueTimers(T0 + 30, 10)).map((timer) => timer.id)).toEqual(['a3']);
        expect(await store.nextTimerDue()).toBe(T0 + 40);
      });

      it('notifies when a timer earlier than all others is scheduled, and only then', async () => {
        const seen: number[] = [];
        store.onTimerScheduled((dueAt) => seen.push(dueAt));
        await store.scheduleTimer('wrapup-end', 'a', T0 + 5_000);
        await store.scheduleTimer('wrapup-end', 'b', T0 + 6_000);
        await store.scheduleTimer('wrapup-end', 'c', T0 + 4_000);
        // Notifications are ordered: had 'b' been announced, it would come before 'c'.
        await waitFor(() => seen.length >= 2);
        expect(seen).toEqual([T0 + 5_000, T0 + 4_000]);
      });

      it('notifies for the offer-expiry timers the claims schedule', async () => {
        const seen: number[] = [];
        store.onTimerScheduled((dueAt) => seen.push(dueAt));
        await store.scheduleTimer('wrapup-end', 'z', T0 + 100_000);
        await availableAgent(store, 'a', counts(0, 1, 0), T0);
        await store.enqueue({ taskId: 't1', laneKey: 'L', score: 1 });
        await store.claimNextTask('a', [chatLane('L', 20_000)], NO_RULES, T0);
        await waitFor(() => seen.length >= 2);
        expect(seen).toEqual([T0 + 100_000, T0 + 20_000]);
      });
    });

    describe('messaging and leases', () => {
      it('delivers published messages to every listener of the topic only', async () => {
        const first: string[] = [];
        const second: string[] = [];
        const elsewhere: string[] = [];
        await store.subscribe('floor', (message) => first.push(message));
        await store.subscribe('floor', (message) => second.push(message));
        await store.subscribe('other', (message) => elsewhere.push(message));
        await store.publish('floor', 'hello');
        await store.publish('floor', 'world');
        await waitFor(() => first.length === 2 && second.length === 2);
        expect(first).toEqual(['hello', 'world']);
        expect(second).toEqual(['hello', 'world']);
        expect(elsewhere).toEqual([]);
      });

      it('grants a lease to one owner at a time; the owner renews and releases it', async () => {
        expect(await store.acquireLease('mailbox:1', 'node-1', 5_000)).toBe(true);
        expect(await store.acquireLease('mailbox:1', 'node-2', 5_000)).toBe(false);
        expect(await store.acquireLease('mailbox:1', 'node-1', 5_000)).toBe(true);
        expect(await store.acquireLease('mailbox:2', 'node-2', 5_000)).toBe(true);
        await store.releaseLease('mailbox:1', 'node-2');
        expect(await store.acquireLease('mailbox:1', 'node-2', 5_000)).toBe(false);
        await store.releaseLease('mailbox:1', 'node-1');
        expect(await store.acquireLease('mailbox:1', 'node-2', 5_000)).toBe(true);
      });

      it('lets a lease expire when not renewed', async () => {
        expect(await store.acquireLease('short', 'node-1', 40)).toBe(true);
        expect(await store.acquireLease('short', 'node-2', 40)).toBe(false);
        await sleep(80);
        expect(await store.acquireLease('short', 'node-2', 5_000)).toBe(true);
      });
    });

    describe('concurrent claims', () => {
      /** 20 agents with chat capacity 3, `taskCount` tasks in 3 lanes, claims fired from both sides at once. */
      async function burst(taskCount: number, nodes: StateStore[]): Promise<{ offers: LiveOffer[]; agents: string[] }> {
        const agents = Array.from({ length: 20 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
        const lanes = ['q0', 'q1', 'q2'].map((key) => chatLane(key));
        await Promise.all(agents.map((agentId, i) => availableAgent(store, agentId, counts(0, 3, 0), T0 + i)));
        await Promise.all(
          Array.from({ length: taskCount }, (_, i) =>
            store.enqueue({ taskId: `task-${String(i).padStart(3, '0')}`, laneKey: lanes[i % 3].key, score: (i * 7919) % 1_000 }),
          ),
        );
        const node = (i: number): StateStore => nodes[i % nodes.length];
        const claims: Array<Promise<LiveOffer | string | null>> = [];
        for (let round = 0; round < 8; round++) {
          agents.forEach((agentId, i) => claims.push(node(round + i).claimNextTask(agentId, lanes, NO_RULES, T0 + 1_000)));
        }
        for (let i = 0; i < Math.min(taskCount, 100); i++) {
          const ranked = [...agents.slice(i % 20), ...agents.slice(0, i % 20)];
          const taskId = `task-${String(i).padStart(3, '0')}`;
          claims.push(node(i + 1).claimAgentForTask(taskId, ranked, lanes[i % 3], NO_RULES, T0 + 1_000));
        }
        const results = await Promise.all(claims);
        const offers = results.filter((result): result is LiveOffer => result !== null && typeof result !== 'string');
        return { offers, agents };
      }

      async function expectConsistent(offers: LiveOffer[], agents: string[], taskCount: number): Promise<void> {
        const capacity = agents.length * 3;
        expect(new Set(offers.map((offer) => offer.taskId)).size).toBe(offers.length);
        expect(offers.length).toBe(Math.min(taskCount, capacity));
        const live = (await store.getAgents(agents)) as LiveAgent[];
        for (const agent of live) {
          const held = offers.filter((offer) => offer.agentId === agent.agentId).length;
          expect(agent.load.chat).toBe(held);
          expect(agent.load.chat).toBeLessThanOrEqual(3);
        }
        const sizes = await store.laneSizes(['q0', 'q1', 'q2']);
        expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(taskCount - offers.length);
        for (const offer of offers.slice(0, 10)) {
          expect(await store.findQueued(offer.taskId)).toBeNull();
          expect(await store.taskOffer(offer.taskId)).toEqual(offer);
        }
      }

      it('offers every task at most once and never overruns capacity (more tasks than capacity)', async () => {
        const nodes = options.multiInstance ? [store, await otherStore()] : [store];
        const { offers, agents } = await burst(200, nodes);
        await expectConsistent(offers, agents, 200);
      });

      it('offers every task when capacity exceeds the backlog', async () => {
        const nodes = options.multiInstance ? [store, await otherStore()] : [store];
        const { offers, agents } = await burst(40, nodes);
        await expectConsistent(offers, agents, 40);
        expect(await store.laneSizes(['q0', 'q1', 'q2'])).toEqual([0, 0, 0]);
      });
    });

    if (options.multiInstance) {
      describe('several nodes on the same data', () => {
        it('shares agents, lanes and offers between nodes', async () => {
          const other = await otherStore();
          await availableAgent(store, 'a', counts(0, 1, 0), T0);
          await other.enqueue({ taskId: 't1', laneKey: 'L', score: 1 });
          const offer = asOffer(await store.claimNextTask('a', [chatLane('L')], NO_RULES, T0));
          expect(await other.getOffer(offer.offerId)).toEqual(offer);
          expect(await other.acceptOffer(offer.offerId, 'a', T0 + 1)).toMatchObject({ status: 'accepted' });
          expect(await store.getAgent('a')).toEqual(await other.getAgent('a'));
          await store.markInitialized();
          expect(await other.isFresh()).toBe(false);
        });

        it('notifies every node when a new earliest timer is scheduled', async () => {
          const other = await otherStore();
          const seenHere: number[] = [];
          const seenThere: number[] = [];
          store.onTimerScheduled((dueAt) => seenHere.push(dueAt));
          other.onTimerScheduled((dueAt) => seenThere.push(dueAt));
          await store.scheduleTimer('wrapup-end', 'a', T0 + 500);
          await store.scheduleTimer('wrapup-end', 'b', T0 + 900);
          await other.scheduleTimer('wrapup-end', 'c', T0 + 100);
          await waitFor(() => seenHere.length >= 2 && seenThere.length >= 2);
          expect(seenThere).toEqual([T0 + 500, T0 + 100]);
          expect(seenHere).toEqual([T0 + 500, T0 + 100]);
        });

        it('delivers messages published on one node to subscribers on another', async () => {
          const other = await otherStore();
          const received: string[] = [];
          await other.subscribe('floor', (message) => received.push(message));
          await store.publish('floor', 'from-node-1');
          await waitFor(() => received.length === 1);
          expect(received).toEqual(['from-node-1']);
        });

        it('hands each due timer to exactly one node when nodes claim concurrently', async () => {
          const other = await otherStore();
          await Promise.all(Array.from({ length: 300 }, (_, i) => store.scheduleTimer('wrapup-end', `agent-${i}`, T0 + (i % 50))));
          const claimed: string[] = [];
          const worker = async (node: StateStore): Promise<void> => {
            for (;;) {
              const due = await node.claimDueTimers(T0 + 1_000, 7);
              if (due.length === 0) return;
              claimed.push(...due.map((timer) => timer.id));
            }
          };
          await Promise.all([worker(store), worker(other), worker(store), worker(other)]);
          expect(claimed).toHaveLength(300);
          expect(new Set(claimed).size).toBe(300);
          expect(await store.nextTimerDue()).toBeNull();
        });

        it('keeps leases exclusive across nodes', async () => {
          const other = await otherStore();
          const results = await Promise.all([store.acquireLease('mailbox', 'node-1', 5_000), other.acquireLease('mailbox', 'node-2', 5_000)]);
          expect(results.filter(Boolean)).toHaveLength(1);
        });
      });
    }
  });
}
