import { memoryAdapter } from 'touchlog/memory';
import { describeSeedScenarios } from './seed-scenarios.js';

describeSeedScenarios('memory', () => memoryAdapter());
