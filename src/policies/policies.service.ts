import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { CompiledPolicy, loadPolicies, PolicySet } from '../lifecycle';

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
