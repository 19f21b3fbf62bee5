import { afterAll, beforeAll, describe, it } from 'vitest';
import { memoryAdapter } from 'touchlog/memory';
import { runAdapterConformance } from 'touchlog/testing';

runAdapterConformance({
  name: 'memory',
  create: () => memoryAdapter(),
  runner: { describe, it, beforeAll, afterAll },
});
