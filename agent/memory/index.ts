// Short-term memory's public face.
export { ShortTermMemory, type MemoryBatch, type MemoryRecord, type MemoryShape } from './short-term-memory.ts';
