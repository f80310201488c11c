import { availableParallelism } from 'node:os';

export const cores = availableParallelism();
