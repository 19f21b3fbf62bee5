/**
 * Pure timeline functions: merging sorted timelines from many systems with de-duplication and
 * lineage, threading messages into conversations, and the small helpers they are built from.
 * Nothing here does I/O; the store's `log.timeline(...)` is built on the same ideas.
 */
export { mergeTimelines, DEFAULT_KEY_WINDOW, DEFAULT_MERGE_WINDOW } from './merge.js';
export type { MergeTimelinesOptions, MergeStats, RecordOf, TimelineSource } from './merge.js';
export { itemFromCommunication, itemFromInteraction, itemFromTimelineEntry } from './item.js';
export type { DuplicateLayer, MergedTimelineItem, TimelineContribution, TimelineItem, TimelineItemSource } from './item.js';
export { CONTENT_FREE_CHANNELS, timelineFingerprint } from './fingerprint.js';
export type { FingerprintOptions } from './fingerprint.js';
export { threadConversations, flattenThread, DEFAULT_THREAD_WINDOW } from './thread.js';
export type { Conversation, ThreadAddress, ThreadableMessage, ThreadNode, ThreadOptions, Threads } from './thread.js';
export type { LinkKind as ThreadLinkKind } from './thread-containers.js';
export { normaliseSubject, hasReplyPrefix, subjectKey, SUBJECT_PREFIXES } from './subject.js';
export type { SubjectOptions } from './subject.js';
export { normaliseText } from './text.js';
export { normaliseMessageId, parseInReplyTo, parseMessageIds } from './message-ids.js';
