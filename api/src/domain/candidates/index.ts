/**
 * Candidate actors for an incident: profiles, distinctive-item scoring, probabilities with an
 * explicit "an actor not in the graph", explanations, ATT&CK Navigator layers. Pure: no I/O.
 * See docs/candidates.md.
 */
export { CANDIDATE_CONFIG, type CandidateConfig } from './config';
export { PROFILE_ITEM_TYPES, attackIdOf, buildProfiles, channelOfType, itemOf, techniqueFamily, victimologyItems } from './profiles';
export { idf, rankCandidates, specificityOf, type RankOptions, type Specificity } from './score';
export { navigatorLayer, type NavigatorLayer, type NavigatorLayerInput } from './navigator';
export * from './types';
