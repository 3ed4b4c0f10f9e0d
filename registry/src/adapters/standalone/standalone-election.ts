import type { Leader, LeaderElection } from '../../ports';

/** The election of a registry that runs alone (the file store): it always leads. */
export class StandaloneElection implements LeaderElection {
  async start(): Promise<void> {}

  leader(): Leader {
    return { self: true };
  }

  async close(): Promise<void> {}
}
