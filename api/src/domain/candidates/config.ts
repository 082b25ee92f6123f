/**
 * Every constant of candidate ranking, with why (docs/candidates.md repeats them for analysts).
 */
import type { Channel } from './types';

export interface CandidateConfig {
  channelWeights: Readonly<Record<Channel, number>>;
  familyCredit: number;
  missingWeight: number;
  temperature: number;
  unknownPrior: number;
  standOut: number;
  activeWindowDays: number;
  maxMissingListed: number;
}

export const CANDIDATE_CONFIG: Readonly<CandidateConfig> = Object.freeze({
  /**
   * Multiplier of a shared item's specificity per channel. Specificity (below) only says how rare
   * an item is among the actors in the graph; the channel weight says how likely the same item is
   * to turn up with an actor the graph does not know. Techniques are behaviours many actors share
   * (only about a third of ATT&CK groups have a technique no other group uses, Saha, Lindorfer,
   * Caballero 2025): 1. Software is far more distinctive (same study), but tools are bought, leaked
   * and shared: 1.5. A shared observable or infrastructure object (same IP, domain, hash) is the
   * strongest link, tempered by reused hosting and compromised third-party servers: 2. Victimology
   * (a sector, a country) is shared by many unrelated actors: 0.5. Time (active when the incident
   * happened): 0.5, a weak nudge.
   */
  channelWeights: Object.freeze({ technique: 1, software: 1.5, infrastructure: 2, victimology: 0.5, time: 0.5 } satisfies Record<Channel, number>),
  /**
   * Credit for a technique family match (the incident shows T1078.004, the actor is known for
   * T1078 or T1078.002): this share of the family's specificity. Less than an exact match (1),
   * since sub-techniques are different procedures; more than nothing, since reporting often
   * records only the parent.
   */
  familyCredit: 0.5,
  /**
   * What an item the actor is known for but the incident did not show costs: this share of its
   * (channel-weighted) specificity. Weak on purpose: an incident is seen through a keyhole (a few
   * techniques of the dozens an actor uses), so absence is weak evidence; but not zero, or the
   * actor with the most techniques would win every incident by chance overlap. Linear (not
   * divided by the profile size) so that an observed item the actor has can never lower its rank.
   * Swept on `npm run bench:candidates` (docs/candidates.md): 0 → MRR 0.65/0.45 at k = 3 without/
   * with noise, 0.005 → 0.86/0.59, 0.01 → 0.84/0.66, 0.02 → 0.78/0.63. At 0.02 a group with 170
   * items (APT29) lost to its own campaign on its unique malware plus two of its techniques.
   */
  missingWeight: 0.01,
  /**
   * Score → probability: p(actor) ∝ prior × exp(score / temperature). A score adds log-likelihood
   * ratios as if items were independent; they are not (techniques come in procedures and
   * reports), so the sum is discounted by this temperature. From the calibration table of
   * `npm run bench:candidates` (docs/candidates.md): 0.5 is calibrated on the bench (Brier 0.09),
   * 0.75 a little under-confident there (0.10), 1 clearly so (0.13). The bench draws incidents from
   * the actor's own documented techniques, which flatters any method, so the ranking keeps the
   * more cautious 0.75.
   */
  temperature: 0.75,
  /**
   * Prior mass of "an actor not in the graph": the graph knows a fraction of the world's actors
   * (ATT&CK documents ~170 groups; vendors track many hundreds more). Its score is 0 by
   * definition (items it shares are as common as in the population), so it keeps this share
   * until the evidence clearly favours a known actor. The rest is shared equally by the roots.
   */
  unknownPrior: 0.5,
  /**
   * The leader "stands out" when its probability is at least this and at least twice the
   * runner-up's; otherwise the answer says nothing stands out.
   */
  standOut: 0.3,
  /** Active-period window around the incident time for the time channel, in days. */
  activeWindowDays: 365,
  /** At most this many missing items are listed per candidate (all count in the score). */
  maxMissingListed: 10,
});
