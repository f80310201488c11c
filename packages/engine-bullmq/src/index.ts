export type { BullmqEngine, BullmqEngineOptions, ScheduleInfo, ScheduleRepeat } from './bullmq-engine';
export { bullmqEngine } from './bullmq-engine';
export type { BullmqWorker, BullmqWorkerOptions, PreparedUnit } from './bullmq-worker';
export { startBullmqWorker } from './bullmq-worker';
export type { BullmqConnection, BullmqSharedOptions } from './connection';
export { connectionSecrets, describeConnection } from './connection';
export type { SharedRateLimit } from './shared-rate-limit';
export { sharedRateLimit } from './shared-rate-limit';
