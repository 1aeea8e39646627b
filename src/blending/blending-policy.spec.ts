import { DEFAULT_BLENDING_POLICY, claimRulesFor } from './blending-policy';

describe('claimRulesFor', () => {
  it('makes a call exclusive by default', () => {
    expect(claimRulesFor(DEFAULT_BLENDING_POLICY).blockers).toEqual({ voice: ['chat', 'email'], chat: ['voice'], email: ['voice'] });
  });

  it('lets email work take a call with interruptible email (email still waits during a call)', () => {
    expect(claimRulesFor({ interruptibleEmail: true, chatDuringCalls: false }).blockers).toEqual({ voice: ['chat'], chat: ['voice'], email: ['voice'] });
  });

  it('lets chats and a call run together with chatDuringCalls, never email during a call', () => {
    expect(claimRulesFor({ interruptibleEmail: false, chatDuringCalls: true }).blockers).toEqual({ voice: ['email'], chat: [], email: ['voice'] });
    expect(claimRulesFor({ interruptibleEmail: true, chatDuringCalls: true }).blockers).toEqual({ voice: [], chat: [], email: ['voice'] });
  });
});
