import { Injectable } from '@nestjs/common';
import { ClaimRules } from '../state/state-store';
import { BlendingPolicy, DEFAULT_BLENDING_POLICY, claimRulesFor } from './blending-policy';

/**
 * Holds the live blending policy routing reads on every decision.
 * (The supervisor API, durable history and the lull / reserve rules come with
 * the blending issue; until then the defaults apply: calls are exclusive.)
 */
@Injectable()
export class BlendingService {
  private current: BlendingPolicy = { ...DEFAULT_BLENDING_POLICY };
  private rulesCache: ClaimRules = claimRulesFor(this.current);

  policy(): BlendingPolicy {
    return { ...this.current };
  }

  claimRules(): ClaimRules {
    return this.rulesCache;
  }
}
