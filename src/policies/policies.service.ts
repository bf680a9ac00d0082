import { Inject, Injectable, Logger } from '@nestjs/common';
import { localIso } from '../common/time';
import { CONFIG, Config } from '../config/config';
import { AccountState, CompiledPolicy, loadPolicies, MessageType, planTimeline, PolicySet, ResourceState } from '../lifecycle';

export interface PreviewOptions {
  expiresAt: Date;
  autoRenew: boolean;
  customerLevel: string;
}

/** One notice of a preview calendar: when it is due, in UTC and in the policy's zone. */
export interface PreviewNotice {
  type: MessageType;
  dueAt: Date;
  local: string;
}

/**
 * The notices a policy plans for a running prepaid resource of its product expiring at `expiresAt`, on an account
 * in good standing: what the public preview shows before any resource exists.
 */
export function previewCalendar(policy: CompiledPolicy, o: PreviewOptions): PreviewNotice[] {
  const resource: ResourceState = {
    id: 'preview',
    accountId: 'preview',
    product: policy.product,
    name: null,
    region: null,
    billingMode: 'prepaid',
    expiresAt: o.expiresAt,
    autoRenew: o.autoRenew,
    status: 'running',
    quota: null,
    usage: null,
    attributes: {},
    stoppedAt: null,
    destroyedAt: null,
  };
  const account: AccountState = {
    id: 'preview',
    customerLevel: o.customerLevel,
    timeZone: policy.timeZone,
    balanceState: 'ok',
    overdueSince: null,
    billDate: null,
  };
  return planTimeline({ resource, account, policy }).map((n) => ({
    type: n.type,
    dueAt: n.dueAt,
    local: localIso(n.dueAt, policy.timeZone),
  }));
}

/** The product policies, loaded and validated once at start-up: a bad policy stops Herald with the rule named. */
@Injectable()
export class PoliciesService {
  private readonly logger = new Logger('Policies');
  private readonly set: PolicySet;

  constructor(@Inject(CONFIG) config: Config) {
    this.set = loadPolicies(config.policiesDir);
    this.logger.log(
      `loaded ${this.set.list().length} policies: ${this.list()
        .map((p) => `${p.product} v${p.version}`)
        .join(', ')}`,
    );
  }

  get(product: string | null): CompiledPolicy | undefined {
    return product === null ? undefined : this.set.get(product);
  }

  list(): CompiledPolicy[] {
    return this.set.list();
  }
}
