/**
 * In-process events: the one list of topics, their payloads, and who may see each event.
 * Services publish (`services.events.publish('importProgress', event)`); GraphQL subscriptions
 * (over SSE) subscribe and filter with `eventVisibleTo`. Every payload carries the TLP rank of
 * what it talks about, so an event about a RED object never reaches a viewer cleared for AMBER.
 */
import { createPubSub } from 'graphql-yoga';
import { hasRole, type Viewer } from './viewer';

export interface ImportProgressEvent {
  importId: string;
  /** Token id of who started the import: only they (and admins) see its progress. */
  viewerId: string;
  /** Most restrictive TLP rank of the input when known; 4 (RED) until then. */
  tlpRank: number;
  phase: 'read' | 'write' | 'commit' | 'done' | 'failed';
  done: number;
  total: number | null;
  at: string;
}

export interface AssessmentChangedEvent {
  incidentId: string;
  hypothesisId: string | null;
  /** Highest TLP rank among the incident, hypothesis and evidence involved. */
  tlpRank: number;
  /** Short machine-readable reason, e.g. `evidence-rated`, `hypothesis-added`. */
  reason: string;
  at: string;
}

export interface EventTopics {
  importProgress: ImportProgressEvent;
  assessmentChanged: AssessmentChangedEvent;
}

export type EventTopic = keyof EventTopics;

export interface EventBus {
  publish<T extends EventTopic>(topic: T, event: EventTopics[T]): void;
  subscribe<T extends EventTopic>(topic: T): AsyncIterable<EventTopics[T]>;
}

export function createEventBus(): EventBus {
  const pubsub = createPubSub<{ [K in EventTopic]: [EventTopics[K]] }>();
  return {
    publish(topic, event) {
      (pubsub.publish as (t: string, e: unknown) => void)(topic, event);
    },
    subscribe(topic) {
      return pubsub.subscribe(topic) as AsyncIterable<EventTopics[typeof topic]>;
    },
  };
}

/**
 * Whether `viewer` may receive `event` of `topic`. Unknown ranks count as RED. The progress of an
 * import always reaches whoever started it, whatever their clearance (it carries phase and counts
 * of their own input, nothing stored by others: the input's rank is RED until known, which kept a
 * GREEN analyst from following their own import); admins see other imports up to their clearance.
 */
export function eventVisibleTo<T extends EventTopic>(viewer: Viewer, topic: T, event: EventTopics[T]): boolean {
  const rank = Number.isInteger(event.tlpRank) ? event.tlpRank : 4;
  if (topic === 'importProgress') {
    if ((event as ImportProgressEvent).viewerId === viewer.id) return true;
    return hasRole(viewer, 'admin') && rank <= viewer.clearanceRank;
  }
  return rank <= viewer.clearanceRank;
}
