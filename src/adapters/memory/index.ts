/**
 * The in-memory adapter: `import { memoryAdapter } from 'touchlog/memory'`.
 *
 * @module touchlog/memory
 */
export { memoryAdapter, type MemoryAdapterOptions } from './memory-adapter.js';
